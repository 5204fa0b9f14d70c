import type { LibraryHit, LibraryQuery, Store, StoreCallOptions } from '@sessionhub/core';

/**
 * The store with its library ranked by real outcome: every `searchLibrary` without a `rankBy` of its own asks the
 * store for `rankBy: 'outcome'` (core's ranking, in every store: merged work first, then work with no
 * pull-request outcome yet, then closed unmerged, then reverted or rolled back; best match first within each,
 * read from the sessions' `outcome.recorded` events). Everything else is the store itself. Give it to
 * `createSessionHub({ store })` and the planner's library context follows outcomes.
 */
export function withOutcomeRanking(store: Store): Store {
  const searchLibrary = (query: LibraryQuery, opts?: StoreCallOptions): Promise<LibraryHit[]> =>
    store.searchLibrary({ rankBy: 'outcome', ...query }, opts);
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'searchLibrary') return searchLibrary;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
