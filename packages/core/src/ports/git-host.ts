import type { IssueRef } from '../model/session.js';

/** Options every git host call takes. */
export interface GitHostCallOptions {
  signal?: AbortSignal;
}

/** A pull request as a git host reports it. */
export interface PullRequestRef {
  number: number;
  url: string;
  head: string;
  base: string;
}

/**
 * A git hosting service (GitHub first): issues in, branches and pull requests out.
 */
export interface GitHost {
  readonly specificationVersion: 1;
  readonly name: string;
  /** Reads an issue. */
  getIssue(repo: string, number: number, opts?: GitHostCallOptions): Promise<IssueRef>;
  /** Comments on an issue or pull request. */
  comment(repo: string, number: number, body: string, opts?: GitHostCallOptions): Promise<void>;
  /** Adds labels to an issue or pull request. */
  addLabels(repo: string, number: number, labels: string[], opts?: GitHostCallOptions): Promise<void>;
  /** Creates a branch at a commit. */
  createBranch(repo: string, branch: string, sha: string, opts?: GitHostCallOptions): Promise<void>;
  /** Opens a pull request. */
  createPullRequest(
    repo: string,
    pr: { title: string; body: string; head: string; base: string },
    opts?: GitHostCallOptions,
  ): Promise<PullRequestRef>;
  /** Whether a webhook payload carries a valid signature. */
  verifyWebhook(payload: string | Uint8Array, signature: string): Promise<boolean>;
}
