import { recordOutcome } from '@sessionhub/core';
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

/** `/sessionhub rate`: records a user's rating on the session of an issue or pull request (one per user). */
export async function rate(
  options: IssueLoopOptions,
  queued: QueuedJob,
  job: Extract<WebhookJob, { kind: 'rate' }>,
  signal: AbortSignal,
): Promise<void> {
  const outcomes = options.outcomes;
  const sessionId = outcomes?.pullRequests.sessionOf(job.repo, job.number);
  if (!outcomes || !sessionId) {
    await options.host.comment(job.repo, job.number, 'There is no SessionHub pull request here to rate.', { signal });
    options.deliveries.finish(queued.deliveryId, 'done', 'no session');
    return;
  }
  await recordOutcome(
    outcomes.store,
    sessionId,
    { kind: 'rating', value: job.rating, source: 'github', by: job.sender, ...(job.note ? { note: job.note } : {}) },
    { signal, ...(outcomes.redact ? { redact: outcomes.redact } : {}) },
  );
  options.deliveries.finish(queued.deliveryId, 'done', `rated ${sessionId} ${job.rating}`);
}

/**
 * Records what became of a session's pull request on the session's log: `merged` or `closed` (unmerged), and for
 * a merged revert (`Reverts owner/name#12`), `reverted` on #12's session.
 */
export async function recordClosed(
  options: IssueLoopOptions,
  queued: QueuedJob,
  job: Extract<WebhookJob, { kind: 'pull_request_closed' }>,
  signal: AbortSignal,
): Promise<void> {
  const outcomes = options.outcomes;
  if (!outcomes) {
    options.deliveries.finish(queued.deliveryId, 'done', 'outcomes are not recorded');
    return;
  }
  const opts = { signal, ...(outcomes.redact ? { redact: outcomes.redact } : {}) };
  const url = job.url ? { url: job.url } : {};
  const own = outcomes.pullRequests.sessionOf(job.repo, job.number);
  if (own) {
    await recordOutcome(
      outcomes.store,
      own,
      { kind: job.merged ? 'merged' : 'closed', source: 'github', ...url },
      opts,
    );
  }
  const reverted = job.reverts === undefined ? undefined : outcomes.pullRequests.sessionOf(job.repo, job.reverts);
  if (reverted) {
    const note = `reverted by #${job.number}`;
    await recordOutcome(outcomes.store, reverted, { kind: 'reverted', source: 'github', note, ...url }, opts);
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
