/**
 * @sessionhub/git: a git worktree and branch per session, commits only after a passing verdict,
 * deploy with release tags and automatic rollback, and host git that a hostile workspace cannot hijack.
 * @packageDocumentation
 */

export * from './commit-message.js';
export { type FindCommitsOptions, type FoundCommit, findSessionCommits } from './commits.js';
export { createGitWorkspaces } from './create-git-workspaces.js';
export * from './errors.js';
export * from './git-runner.js';
export * from './git-workspaces.js';
export * from './naming.js';
export * from './options.js';
export * from './post-deploy-check.js';
export * from './release-records.js';
export * from './release-types.js';
export * from './releases.js';
export { checkGitVersion, MIN_GIT_VERSION, type RepositoryInfo } from './repository.js';
export { recordRollbackOutcomes } from './rollback-outcomes.js';
export type { SessionWorkspace, WorkspaceChange } from './workspace-changes.js';
