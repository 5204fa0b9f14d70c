import { SessionHubError } from '@sessionhub/core';

/**
 * Stable codes of {@link GitError}. Each message says what to do.
 *
 * - `git.not_installed`: no `git` binary could be run.
 * - `git.too_old`: git is older than the minimum (2.38, for `merge-tree --write-tree`).
 * - `git.not_a_repository`: the path is not a git repository (or is a bare one).
 * - `git.base_ref_not_found`: the base ref does not name a commit.
 * - `git.dirty_checkout`: the user's checkout has uncommitted changes to tracked files.
 * - `git.detached_head`: no base ref was given and the user's checkout has a detached HEAD.
 * - `git.verdict_failed`: a commit was asked for a failing verdict.
 * - `git.invalid_path`: a path leaves the workspace or is not relative.
 * - `git.invalid_option`: an option is malformed (identity, directories, version, ...).
 * - `git.workspace_not_found`: the session has no workspace (never opened, or closed).
 * - `git.branch_not_found`: a branch or target does not exist.
 * - `git.merge_conflict`: promoting the session branch conflicts with the target.
 * - `git.not_fast_forward`: fast-forward mode, but the target has commits the session branch lacks.
 * - `git.tag_exists`: the release tag already exists.
 * - `git.target_checked_out`: the target branch is checked out in a worktree (promoting would change the files under it).
 * - `git.target_moved`: the target moved since the deploy a rollback returns from; pass `force` to roll back anyway.
 * - `git.release_not_found`: no deploy record for a tag or version.
 * - `git.nothing_to_deploy`: the session branch has no commit beyond the target.
 * - `git.command_failed`: git failed for another reason (its stderr is in the message).
 */
export type GitErrorCode =
  | 'git.not_installed'
  | 'git.too_old'
  | 'git.not_a_repository'
  | 'git.base_ref_not_found'
  | 'git.dirty_checkout'
  | 'git.detached_head'
  | 'git.verdict_failed'
  | 'git.invalid_path'
  | 'git.invalid_option'
  | 'git.workspace_not_found'
  | 'git.branch_not_found'
  | 'git.merge_conflict'
  | 'git.not_fast_forward'
  | 'git.tag_exists'
  | 'git.target_checked_out'
  | 'git.target_moved'
  | 'git.release_not_found'
  | 'git.nothing_to_deploy'
  | 'git.command_failed';

/** A git operation failed or was refused; `code` says which (see {@link GitErrorCode}). */
export class GitError extends SessionHubError {
  declare readonly code: GitErrorCode;
  constructor(code: GitErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
