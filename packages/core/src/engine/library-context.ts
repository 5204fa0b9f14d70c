import type { LibraryHit, Store } from '../ports/store.js';

/** The most relevant successful past sessions for a request; none when `limit` is 0. */
export async function libraryContext(
  store: Store,
  text: string,
  limit: number,
  signal: AbortSignal,
): Promise<LibraryHit[]> {
  if (limit <= 0) return [];
  return store.searchLibrary({ text, state: 'succeeded', limit }, { signal });
}
