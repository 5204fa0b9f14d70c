import { defineConfig, type Options } from 'tsup';

/**
 * The one build pattern every package reuses: ESM + CJS + .d.ts from `src/`,
 * with every dependency left external so packages never bundle each other.
 */
export function sessionhubBuild(
  entry: Record<string, string> = { index: 'src/index.ts' },
  extra: Partial<Options> = {},
) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node22',
    platform: 'node',
    splitting: true,
    treeshake: true,
    // Class names are public (`error.name`, `isInstance` markers): keep them when esbuild renames a binding.
    keepNames: true,
    ...extra,
  });
}
