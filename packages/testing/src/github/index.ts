/**
 * The fake GitHub REST API: checked against `@octokit/openapi`, answering with `@octokit/fixtures` shapes.
 * @module
 */
export { FakeGitHubDependencyError, GITHUB_DESCRIPTION_PACKAGES } from './descriptions.js';
export type { GitHubFault } from './faults.js';
export {
  type FakeGitHub,
  type FakeGitHubOptions,
  type FakeGitHubRequest,
  type FakeGitHubViolation,
  startFakeGitHub,
} from './server.js';
export type { FakeComment, FakeIssue, FakePermission, FakePull, FakeRepo, FakeRepoSeed } from './state.js';
