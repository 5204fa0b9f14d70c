import { SessionHubError } from '@sessionhub/core';

/**
 * Stable codes of {@link GitHostError} (the `GitHost` port's codes, see `packages/core/src/ports/git-host.ts`),
 * plus the webhook receiver's.
 */
export type GitHostErrorCode =
  | 'git_host.not_found'
  | 'git_host.unauthorized'
  | 'git_host.forbidden'
  | 'git_host.rate_limited'
  | 'git_host.validation_failed'
  | 'git_host.unavailable'
  | 'git_host.push_failed'
  | 'git_host.invalid_input'
  | 'git_host.invalid_option'
  /** The webhook receiver's delivery log could not record a delivery (the file is locked or failing). */
  | 'git_host.delivery_log_unavailable';

/** A git host refused or failed a call. `status` is the HTTP status when there was one. */
export class GitHostError extends SessionHubError {
  /** HTTP status of the host's answer, when there was one. */
  readonly status: number | undefined;
  /** For `git_host.rate_limited`: when the limit resets (ms since the epoch), when the host said. */
  readonly resetAt: number | undefined;

  constructor(
    code: GitHostErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number; resetAt?: number },
  ) {
    super(code, message, options);
    this.status = options?.status;
    this.resetAt = options?.resetAt;
  }
}
