import type { SessionEvent } from '../model/events.js';
import { type Outcome, type OutcomeKind, PULL_REQUEST_OUTCOMES } from '../outcomes/outcome.js';

/** The kinds of outcome that say what became of a session's pull request. */
export type PullRequestOutcome = Exclude<OutcomeKind, 'rating'>;

/** What a session's `outcome.recorded` events come to, as analytics and library ranking read them. */
export interface SessionOutcome {
  /** The latest pull-request outcome (by `seq`): `merged` counts as merged, any other as rejected. */
  pullRequest?: PullRequestOutcome;
  /** Each rater's latest rating value; a rating without `by` counts on its own. */
  ratings: number[];
}

/**
 * The rater a `rating` counts for: its `by`, or, without one, the event itself (`#<seq>`), so anonymous
 * ratings never replace each other. The SQL stores key their rating rows the same way.
 */
export function raterKey(by: string | undefined, seq: number): string {
  return by === undefined ? `#${seq}` : `by:${by}`;
}

/**
 * What analytics reads from one `outcome.recorded` event: a pull-request kind (`value` null), or a `rating`
 * with a numeric value and its {@link raterKey}; undefined for any other event or outcome (an unknown kind, a
 * rating without a value), which analytics ignores. The SQL stores store this row per event.
 */
export function outcomeFact(
  event: SessionEvent,
): { kind: OutcomeKind; value: number | null; rater: string } | undefined {
  if (event.type !== 'outcome.recorded') return undefined;
  const { kind, value, by } = (event.outcome ?? {}) as Partial<Outcome>;
  const rater = raterKey(typeof by === 'string' ? by : undefined, event.seq);
  if (kind !== undefined && PULL_REQUEST_OUTCOMES.includes(kind)) return { kind, value: null, rater };
  if (kind === 'rating' && typeof value === 'number' && Number.isFinite(value)) return { kind, value, rater };
  return undefined;
}

/** The outcome of one session's log (any order). */
export function sessionOutcome(events: readonly SessionEvent[]): SessionOutcome {
  let pullRequest: SessionOutcome['pullRequest'];
  let latestPr = 0;
  const ratings = new Map<string, { seq: number; value: number }>();
  for (const event of events) {
    const fact = outcomeFact(event);
    if (!fact) continue;
    if (fact.value === null) {
      if (event.seq > latestPr) {
        latestPr = event.seq;
        pullRequest = fact.kind as PullRequestOutcome;
      }
    } else {
      const seen = ratings.get(fact.rater);
      if (!seen || event.seq > seen.seq) ratings.set(fact.rater, { seq: event.seq, value: fact.value });
    }
  }
  return {
    ...(pullRequest ? { pullRequest } : {}),
    ratings: [...ratings.values()].map((r) => r.value),
  };
}

/** The model ids a session's `usage.recorded` events name, each once. */
export function sessionModels(events: readonly SessionEvent[]): Set<string> {
  const models = new Set<string>();
  for (const event of events) {
    if (event.type === 'usage.recorded' && typeof event.usage.model === 'string' && event.usage.model !== '') {
      models.add(event.usage.model);
    }
  }
  return models;
}

/**
 * The tier of a session in a library search ranked by outcome (`rankBy: 'outcome'`), lower first: merged work,
 * then work with no pull-request outcome, then closed unmerged, then reverted or rolled back.
 */
export const LIBRARY_OUTCOME_TIERS: Readonly<Record<PullRequestOutcome | 'none', number>> = Object.freeze({
  merged: 0,
  none: 1,
  closed: 2,
  reverted: 3,
  rolled_back: 3,
});

/**
 * {@link LIBRARY_OUTCOME_TIERS} as a SQL `CASE` over `column`, a column holding a pull-request outcome kind
 * (`NULL` for no outcome), so the SQL stores rank by the same tiers. The kinds and tiers are core's constants,
 * never user input; `column` is the store's own SQL.
 *
 * @example outcomeTierCaseSql('o.pr_kind') === "CASE o.pr_kind WHEN 'merged' THEN 0 WHEN 'closed' THEN 2 ... END"
 */
export function outcomeTierCaseSql(column: string): string {
  const cases = Object.entries(LIBRARY_OUTCOME_TIERS)
    .filter(([kind]) => kind !== 'none')
    .map(([kind, tier]) => `WHEN '${kind}' THEN ${tier}`);
  return `CASE ${column} ${cases.join(' ')} END`;
}
