import type { DeliveryLog } from '../webhooks/delivery-log.js';
import type { QueuedJob, WebhookJob } from '../webhooks/jobs.js';
import type { IssueLoopOptions } from './issue-loop.js';

/** `/sessionhub approve`: approves the session of the issue that waits for it. */
export async function approve(
  options: IssueLoopOptions,
  queued: QueuedJob,
  job: Extract<WebhookJob, { kind: 'approve' }>,
  signal: AbortSignal,
): Promise<void> {
  const sessionId = findSessionOf(options.deliveries, job.repo, job.number);
  if (!sessionId) {
    await options.host.comment(
      job.repo,
      job.number,
      'There is no SessionHub session waiting for approval on this issue.',
      { signal },
    );
    options.deliveries.finish(queued.deliveryId, 'done', 'no session');
    return;
  }
  await options.hub.approve(sessionId, { signal });
  options.deliveries.finish(queued.deliveryId, 'done', `approved ${sessionId}`);
}

/** `/sessionhub rate`: records a user's rating of the session of an issue or pull request. */
export async function rate(
  options: IssueLoopOptions,
  queued: QueuedJob,
  job: Extract<WebhookJob, { kind: 'rate' }>,
  signal: AbortSignal,
): Promise<void> {
  const sessionId = options.outcomes?.sessionOf(job.repo, job.number);
  if (!options.outcomes || !sessionId) {
    await options.host.comment(job.repo, job.number, 'There is no SessionHub pull request here to rate.', { signal });
    options.deliveries.finish(queued.deliveryId, 'done', 'no session');
    return;
  }
  options.outcomes.record({
    sessionId,
    kind: 'rating',
    value: job.rating,
    source: job.sender,
    ...(job.note ? { note: job.note } : {}),
  });
  options.deliveries.finish(queued.deliveryId, 'done', `rated ${sessionId} ${job.rating}`);
}

/** Records what became of a session's pull request: merged, closed unmerged, or (for a revert) reverted. */
export function recordClosed(
  options: IssueLoopOptions,
  queued: QueuedJob,
  job: Extract<WebhookJob, { kind: 'pull_request_closed' }>,
): void {
  const own = options.outcomes?.sessionOf(job.repo, job.number);
  if (own)
    options.outcomes?.record({ sessionId: own, kind: job.merged ? 'merged' : 'closed', value: 1, source: 'github' });
  const reverted = job.reverts !== undefined ? options.outcomes?.sessionOf(job.repo, job.reverts) : undefined;
  if (reverted) {
    options.outcomes?.record({
      sessionId: reverted,
      kind: 'reverted',
      value: 1,
      source: 'github',
      note: `#${job.number}`,
    });
  }
  options.deliveries.finish(
    queued.deliveryId,
    'done',
    own || reverted ? 'outcome recorded' : 'not a session pull request',
  );
}

function findSessionOf(deliveries: DeliveryLog, repo: string, number: number): string | undefined {
  return deliveries
    .pending()
    .filter((q) => q.job.kind === 'issue' && q.job.repo === repo && q.job.number === number && q.sessionId)
    .at(-1)?.sessionId;
}
