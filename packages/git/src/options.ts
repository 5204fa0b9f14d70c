import type { GitRunnerOptions } from './git-runner.js';

/** A git identity. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** Options of {@link createGitWorkspaces}. */
export interface GitWorkspacesOptions extends GitRunnerOptions {
  /** The user's repository: the top of its checkout, or a bare repository. */
  repository: string;
  /** The ref new session branches start from. Default: the branch checked out in `repository`. */
  baseRef?: string;
  /**
   * Where session worktrees live. Default `<tmpdir>/sessionhub-worktrees/<repo name>-<hash>`.
   * Must not be inside the repository's checkout or git directory.
   */
  workspacesDir?: string;
  /** First component of session branch names. Default `sessionhub`. */
  branchPrefix?: string;
  /** Keep a failed session's worktree and branch at `close` (for a look). Default `false`. */
  keepFailed?: boolean;
  /** Accept a checkout with uncommitted changes to tracked files. Default `false` (`git.dirty_checkout`). */
  allowDirty?: boolean;
  /** Author of SessionHub commits. Default `SessionHub <sessionhub@localhost>`. */
  author?: GitIdentity;
  /** Committer of SessionHub commits. Default: the author. */
  committer?: GitIdentity;
  /**
   * Sign commits (`commit-tree -S`) with the signing setup of the user's git config; implies
   * `userConfig: true`. Default `false` (and `commit.gpgSign` is turned off).
   */
  sign?: boolean;
  /**
   * Worktrees kept checked out ahead of time at the base ref, so `open` is a rename instead of a
   * checkout (see the benchmark). Refilled in the background after each `open`; removed by `dispose`
   * and `prune`. Default 0.
   */
  warmWorktrees?: number;
  signal?: AbortSignal;
}

/** The default author and committer. */
export const DEFAULT_IDENTITY: GitIdentity = { name: 'SessionHub', email: 'sessionhub@localhost' };

/** The environment that sets author and committer. */
export function identityEnv(author: GitIdentity, committer: GitIdentity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
}
