import type { ConformanceOptions } from './cases.js';
import { registerCases } from './cases.js';
import { GIT_HOST_CASES, type GitHostCaseContext } from './git-host-cases.js';

export type { GitHostCaseContext } from './git-host-cases.js';

/** Makes a fresh case context (a repository with one open issue, two users, a branch to push); `dispose` after. */
export type GitHostFactory = () => Promise<GitHostCaseContext & { dispose(): Promise<void> }>;

/** Names of every GitHost conformance case, for `options.skip`. */
export const GIT_HOST_CONFORMANCE_CASES: readonly string[] = GIT_HOST_CASES.map((c) => c.name);

/**
 * Registers the GitHost conformance suite with vitest: the behaviour the port's TSDoc promises (issues,
 * comments, labels, permissions, pushes, pull requests, webhook signatures, and the `git_host.*` codes), tested
 * through the port. Call it at the top level of a test file; `factory` runs once per case.
 *
 * @example
 * describeGitHostConformance('github (fake API)', async () => ({ host, repo, ..., dispose }));
 */
export function describeGitHostConformance(
  name: string,
  factory: GitHostFactory,
  options: ConformanceOptions = {},
): void {
  registerCases(`GitHost conformance: ${name}`, GIT_HOST_CASES, { timeoutMs: 60_000, ...options }, async (testCase) => {
    const context = await factory();
    try {
      await testCase.run(context);
    } finally {
      await context.dispose();
    }
  });
}
