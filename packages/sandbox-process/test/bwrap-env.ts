import { ProcessSandboxProvider } from '../src/index.js';

/**
 * Whether the bubblewrap tests can run here. Off CI a missing or broken bwrap skips them with the
 * reason shown; with `CI=true` it does not skip, so the tests run and fail (bwrap is required there).
 */
export function bwrapTestEnv(): { ready: boolean; note: string } {
  const report = new ProcessSandboxProvider({ isolation: 'auto' }).detect();
  if (report.isolation === 'bubblewrap') return { ready: true, note: '' };
  if (process.env.CI === 'true') return { ready: true, note: ' (CI: bubblewrap missing, these tests must fail)' };
  return { ready: false, note: ` (skipped: bubblewrap unusable here: ${report.reason})` };
}
