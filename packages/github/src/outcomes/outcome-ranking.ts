import type { LibraryHit, LibraryQuery, Store, StoreCallOptions } from '@sessionhub/core';
import type { OutcomeKind, SqliteOutcomeLog } from './outcome-log.js';

/** How much a session's outcome weighs on its library score. */
export interface OutcomeWeights {
  /** Merged (and not reverted since). Default 1. */
  merged: number;
  /** No decision recorded yet. Default 0.7. */
  undecided: number;
  /** Closed unmerged. Default 0.3. */
  closed: number;
  /** Merged, then reverted. Default 0.1. */
  reverted: number;
  /** Added per rating point above 3 (and taken per point below), times the mean rating's distance. Default 0.1. */
  perRatingPoint: number;
}

const DEFAULT_WEIGHTS: OutcomeWeights = { merged: 1, undecided: 0.7, closed: 0.3, reverted: 0.1, perRatingPoint: 0.1 };

/** The weight of one session's outcomes. */
export function outcomeWeight(
  outcomes: { kind: OutcomeKind; value: number }[],
  weights: OutcomeWeights = DEFAULT_WEIGHTS,
): number {
  const kinds = new Set(outcomes.map((o) => o.kind));
  const base = kinds.has('reverted')
    ? weights.reverted
    : kinds.has('merged')
      ? weights.merged
      : kinds.has('closed')
        ? weights.closed
        : weights.undecided;
  const ratings = outcomes.filter((o) => o.kind === 'rating').map((o) => o.value);
  const mean = ratings.length > 0 ? ratings.reduce((a, b) => a + b, 0) / ratings.length : 3;
  return Math.max(0, base + (mean - 3) * weights.perRatingPoint);
}

/**
 * The store with its library ranked by real outcome: `searchLibrary` scores are multiplied by the outcome weight
 * (merged above undecided above closed above reverted, nudged by ratings) and re-sorted. Everything else is the
 * store itself. Give it to `createSessionHub({ store })` and the planner's library context follows outcomes.
 */
export function withOutcomeRanking(
  store: Store,
  outcomes: SqliteOutcomeLog,
  weights: Partial<OutcomeWeights> = {},
): Store {
  const w = { ...DEFAULT_WEIGHTS, ...weights };
  const searchLibrary = async (query: LibraryQuery, opts?: StoreCallOptions): Promise<LibraryHit[]> => {
    const wide = query.limit === undefined ? query : { ...query, limit: Math.max(query.limit * 4, 20) };
    const hits = await store.searchLibrary(wide, opts);
    const ranked = hits
      .map((hit, i) => ({
        hit: { ...hit, score: hit.score * outcomeWeight(outcomes.forSession(hit.session.id), w) },
        i,
      }))
      .sort((a, b) => b.hit.score - a.hit.score || a.i - b.i)
      .map((r) => r.hit);
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
