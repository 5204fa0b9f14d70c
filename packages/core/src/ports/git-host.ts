import type { IssueRef } from '../model/session.js';

/** Options every git host call takes. */
export interface GitHostCallOptions {
  signal?: AbortSignal;
}

/** A pull request as a git host reports it. */
export interface PullRequestRef {
  number: number;
  url: string;
  /** The branch the pull request merges from. */
  head: string;
  /** The branch it merges into. */
  base: string;
  /** `open` or `closed` (a merged pull request is `closed` with `merged: true`). */
  state: 'open' | 'closed';
  merged: boolean;
}

/** A comment on an issue or pull request. */
export interface IssueComment {
  id: number;
  /** The login of its author. */
  author: string;
  body: string;
  url: string;
}

/** What a user may do in a repository, GitHub's scale from most to least. */
export type RepositoryPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** What {@link GitHost.pushBranch} sends: a local branch of a local repository to the host's copy. */
export interface PushRequest {
  /** The local repository (its top directory or its git directory) holding `branch`. */
  repository: string;
  /** The local branch to push. */
  branch: string;
  /** The branch name on the host. Default: `branch`. */
  remoteBranch?: string;
  /** Overwrite a remote branch that has moved elsewhere. Default false: a non-fast-forward push is refused. */
  force?: boolean;
}

/**
 * A git hosting service (GitHub first): issues in, branches and pull requests out.
 *
 * `repo` is always `owner/name`. Every method rejects with a `SessionHubError` whose `code` is one of:
 * - `git_host.not_found`: the repository, issue, pull request or user does not exist (or is hidden from the caller).
 * - `git_host.unauthorized`: the credentials were refused.
 * - `git_host.forbidden`: the credentials may not do this.
 * - `git_host.rate_limited`: a primary or secondary rate limit, after the adapter's retries; carries `resetAt` (ms epoch).
 * - `git_host.validation_failed`: the host refused the input (GitHub's 422); the message is the host's.
 * - `git_host.unavailable`: the host failed (5xx, network) after the adapter's retries.
 * - `git_host.push_failed`: `git push` was refused (not a fast-forward, protected branch); git's message included.
 * - `git_host.invalid_input`: a malformed argument (a `repo` that is not `owner/name`, a branch that looks like an option), refused before any request.
 *
 * Writes that a loop repeats on resume are idempotent: `addLabels` and `removeLabel` leave the same label set,
 * `pushBranch` of the same commit is a no-op, and `findPullRequest` finds the pull request an earlier run opened.
 */
export interface GitHost {
  readonly specificationVersion: 1;
  readonly name: string;
  /** Reads an issue (title, body, labels). */
  getIssue(repo: string, number: number, opts?: GitHostCallOptions): Promise<IssueRef>;
  /** Opens an issue (a production error report becomes one, say). */
  createIssue(
    repo: string,
    issue: { title: string; body: string; labels?: string[] },
    opts?: GitHostCallOptions,
  ): Promise<IssueRef>;
  /** The comments of an issue or pull request, oldest first. */
  listComments(repo: string, number: number, opts?: GitHostCallOptions): Promise<IssueComment[]>;
  /** Comments on an issue or pull request. */
  comment(repo: string, number: number, body: string, opts?: GitHostCallOptions): Promise<IssueComment>;
  /** Adds labels to an issue or pull request (labels it already has are kept once). */
  addLabels(repo: string, number: number, labels: string[], opts?: GitHostCallOptions): Promise<void>;
  /** Removes a label; a label the issue does not have is not an error. */
  removeLabel(repo: string, number: number, label: string, opts?: GitHostCallOptions): Promise<void>;
  /** The permission `user` has in `repo`, asked of the host (never taken from a webhook payload). */
  getPermission(repo: string, user: string, opts?: GitHostCallOptions): Promise<RepositoryPermission>;
  /** Creates a branch at a commit the host already has. */
  createBranch(repo: string, branch: string, sha: string, opts?: GitHostCallOptions): Promise<void>;
  /** Pushes a local branch to the host with real git; returns the pushed commit. */
  pushBranch(repo: string, push: PushRequest, opts?: GitHostCallOptions): Promise<{ sha: string }>;
  /** The open pull request from `head` (a branch of `repo`), if there is one. */
  findPullRequest(repo: string, head: string, opts?: GitHostCallOptions): Promise<PullRequestRef | undefined>;
  /** Opens a pull request. */
  createPullRequest(
    repo: string,
    pr: { title: string; body: string; head: string; base: string },
    opts?: GitHostCallOptions,
  ): Promise<PullRequestRef>;
  /** Whether a webhook payload carries a valid signature (`sha256=<hex>`, compared in constant time). */
  verifyWebhook(payload: string | Uint8Array, signature: string): Promise<boolean>;
}
