import { type OutcomeKind, PULL_REQUEST_OUTCOMES, type SessionEvent } from '@sessionhub/core';

/** The pull-request kinds of outcome (`merged`, `closed`, `reverted`, `rolled_back`). */
export type PullRequestOutcome = Exclude<OutcomeKind, 'rating'>;

/** The latest pull-request outcome recorded on a session's log (`outcome.recorded`), if any: what became of the work. */
export function latestPullRequestOutcome(events: readonly SessionEvent[]): PullRequestOutcome | undefined {
  let latest: { seq: number; kind: PullRequestOutcome } | undefined;
  for (const event of events) {
    if (event.type !== 'outcome.recorded' || !PULL_REQUEST_OUTCOMES.includes(event.outcome.kind)) continue;
    if (!latest || event.seq > latest.seq) latest = { seq: event.seq, kind: event.outcome.kind as PullRequestOutcome };
  }
  return latest?.kind;
}

/** The ratings on a session's log: each rater's latest (`by`); a rating without `by` counts on its own. */
export function ratingsOf(events: readonly SessionEvent[]): number[] {
  const latest = new Map<string, { seq: number; value: number }>();
  for (const event of events) {
    if (event.type !== 'outcome.recorded' || event.outcome.kind !== 'rating') continue;
    const value = event.outcome.value;
    if (value === undefined) continue;
    const key = event.outcome.by === undefined ? `#${event.seq}` : `by:${event.outcome.by}`;
    const seen = latest.get(key);
    if (!seen || event.seq > seen.seq) latest.set(key, { seq: event.seq, value });
  }
  return [...latest.values()].map((r) => r.value);
}
