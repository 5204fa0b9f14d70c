/**
 * @sessionhub/github: the `GitHost` port on Octokit, a webhook receiver that turns labelled issues and comment
 * commands into queued sessions, the issue-to-pull-request loop, and production error reports in.
 * @packageDocumentation
 */
export * from './errors.js';
export { GitHubHost, type GitHubHostOptions } from './host/github-host.js';
export {
  createOctokit,
  type GitHubAuth,
  type GitHubLimitsOptions,
  type SessionHubOctokitInstance,
} from './host/octokit.js';
export {
  createIssueLoop,
  DEFAULT_LABELS,
  type IssueLoopOptions,
  issueTag,
  type LoopOutcomes,
  type SessionLabels,
} from './loop/issue-loop.js';
export { renderIssueComment, renderPullRequestBody, type SessionSummary, verdictTable } from './loop/pr-body.js';
export type { SessionBranches, SessionCommit } from './loop/session-commits.js';
export { deliverySessionId } from './loop/start-once.js';
export { ErrorReportReceiver, type ErrorReportReceiverOptions } from './monitoring/error-receiver.js';
export {
  defaultFingerprint,
  parseGenericReport,
  parseSentryPayload,
  renderErrorIssue,
} from './monitoring/error-reports.js';
export {
  type FailureLesson,
  findFailureLessons,
  renderLessons,
  requestText,
  withFailureLessons,
} from './outcomes/lessons.js';
export { withOutcomeRanking } from './outcomes/outcome-ranking.js';
export { SqlitePullRequestLinks } from './outcomes/pull-request-links.js';
export { type CommentCommand, parseCommand } from './webhooks/commands.js';
export type { DeliveryLog, DeliveryState } from './webhooks/delivery-log.js';
export { JobQueue, type JobRunner } from './webhooks/job-queue.js';
export type { ErrorReport, QueuedJob, WebhookJob } from './webhooks/jobs.js';
export {
  GITHUB_MAX_PAYLOAD_BYTES,
  type WebhookAnswer,
  WebhookReceiver,
  type WebhookReceiverOptions,
  type WebhookRequest,
} from './webhooks/receiver.js';
export { type TriggerOptions, WebhookRouter } from './webhooks/route.js';
export { signPayload, verifySignature } from './webhooks/signature.js';
export { SqliteDeliveryLog, type SqliteDeliveryLogOptions } from './webhooks/sqlite-delivery-log.js';
