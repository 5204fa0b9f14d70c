/** Work a webhook delivery asks for; queued by the receiver, done by the loop (never inside the HTTP request). */
export type WebhookJob =
  | {
      kind: 'issue';
      repo: string;
      number: number;
      /** Who triggered it (the label's author, or the commenter of `/sessionhub run`). */
      sender: string;
      /** `label`: GitHub only lets users with triage permission label; `command`: the permission is checked by the loop. */
      via: 'label' | 'command';
      commentId?: number;
    }
  | { kind: 'approve'; repo: string; number: number; sender: string; commentId: number }
  | { kind: 'rate'; repo: string; number: number; sender: string; commentId: number; rating: number; note: string }
  | { kind: 'error_report'; report: ErrorReport }
  | {
      kind: 'pull_request_closed';
      repo: string;
      number: number;
      merged: boolean;
      /** The pull request's page. */
      url?: string;
      /** The pull request this one reverts (GitHub's revert button writes `Reverts owner/name#12`). */
      reverts?: number;
    };

/** An error a deployed application reported (generic webhook or an error tracker's alert). */
export interface ErrorReport {
  /** Groups occurrences of the same error; one session per fingerprint. */
  fingerprint: string;
  /** The repository to file the issue in (`owner/name`). */
  repo: string;
  title: string;
  message: string;
  stack?: string;
  occurrences: number;
  environment?: string;
  url?: string;
  /** Where it came from: `generic`, `sentry`. */
  source: string;
}

/** A queued job with the delivery it came from. */
export interface QueuedJob {
  deliveryId: string;
  job: WebhookJob;
  /** The session this job started, once it did (a restart resumes it instead of starting another). */
  sessionId?: string;
}
