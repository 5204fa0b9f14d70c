import { defineConfig } from 'vitest/config';

// One config for every package: tests import workspace packages from source
// through the "@sessionhub/source" export condition, so no build is needed first.
export default defineConfig({
  resolve: { conditions: ['@sessionhub/source'] },
  ssr: { resolve: { conditions: ['@sessionhub/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
