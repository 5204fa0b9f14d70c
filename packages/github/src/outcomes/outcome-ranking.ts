import type { LibraryHit, LibraryQuery, OutcomeKind, Store, StoreCallOptions } from '@sessionhub/core';
import { latestPullRequestOutcome, ratingsOf } from './session-outcomes.js';

/** How much a session's outcome weighs on its library score. */
export interface OutcomeWeights {
  /** Merged (and not reverted or rolled back since). Default 1. */
  merged: number;
  /** No decision recorded yet. Default 0.7. */
  undecided: number;
  /** Closed unmerged. Default 0.3. */
  closed: number;
  /** Merged, then reverted, or deployed, then rolled back. Default 0.1. */
  reverted: number;
  /** Added per rating point above 3 (and taken per point below), times the mean rating's distance. Default 0.1. */
  perRatingPoint: number;
}

const DEFAULT_WEIGHTS: OutcomeWeights = { merged: 1, undecided: 0.7, closed: 0.3, reverted: 0.1, perRatingPoint: 0.1 };

/**
 * The weight of one session's outcomes: its latest pull-request outcome (`undefined`: none yet) and its ratings
 * (1..5).
 */
export function outcomeWeight(
  latest: Exclude<OutcomeKind, 'rating'> | undefined,
  ratings: readonly number[],
  weights: OutcomeWeights = DEFAULT_WEIGHTS,
): number {
  const base =
    latest === 'reverted' || latest === 'rolled_back'
      ? weights.reverted
      : latest === 'merged'
        ? weights.merged
        : latest === 'closed'
          ? weights.closed
          : weights.undecided;
  const mean = ratings.length > 0 ? ratings.reduce((a, b) => a + b, 0) / ratings.length : 3;
  return Math.max(0, base + (mean - 3) * weights.perRatingPoint);
}

/**
 * The store with its library ranked by real outcome: `searchLibrary` scores are multiplied by the weight of the
 * outcomes recorded on each hit's log (`outcome.recorded`: merged above undecided above closed above reverted or
 * rolled back, nudged by ratings) and re-sorted. It asks the store for four times the hits wanted (at least 20)
 * and reads each one's log. Everything else is the store itself. Give it to `createSessionHub({ store })` and the
 * planner's library context follows outcomes.
 */
export function withOutcomeRanking(store: Store, weights: Partial<OutcomeWeights> = {}): Store {
  const w = { ...DEFAULT_WEIGHTS, ...weights };
  const searchLibrary = async (query: LibraryQuery, opts?: StoreCallOptions): Promise<LibraryHit[]> => {
    const wide = query.limit === undefined ? query : { ...query, limit: Math.max(query.limit * 4, 20) };
    const hits = await store.searchLibrary(wide, opts);
    const weighed = await Promise.all(
      hits.map(async (hit, i) => {
        const events = await store.readEvents(hit.session.id, opts);
        const weight = outcomeWeight(latestPullRequestOutcome(events), ratingsOf(events), w);
        return { hit: { ...hit, score: hit.score * weight }, i };
      }),
    );
    const ranked = weighed.sort((a, b) => b.hit.score - a.hit.score || a.i - b.i).map((r) => r.hit);
    return query.limit === undefined ? ranked : ranked.slice(0, query.limit);
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'searchLibrary') return searchLibrary;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
