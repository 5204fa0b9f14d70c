import type { Session } from '../model/session.js';
import type { LibraryHit, LibraryQuery } from '../ports/store.js';
import { compareSessionsNewestFirst, sessionMatchesFilter } from './session-filter.js';
import { LIBRARY_OUTCOME_TIERS, type SessionOutcome } from './session-outcome.js';

/** Weight of one occurrence of a query term in each searched field. */
export const LIBRARY_FIELD_WEIGHTS = Object.freeze({ name: 3, tags: 3, instruction: 1, summary: 1 });

/**
 * Splits text into search terms: lower-cased runs of Unicode letters and digits. Everything
 * else (spaces, punctuation, `-`, `_`) separates terms.
 */
export function tokenizeForSearch(text: string | undefined): string[] {
  if (!text) return [];
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** How often each term occurs in a text. */
function termCounts(text: string | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of tokenizeForSearch(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/**
 * The library score of a session for a query: for each distinct query term, the number of its
 * occurrences in each field times that field's weight ({@link LIBRARY_FIELD_WEIGHTS}), summed.
 * 0 means no term occurs. With no terms the score is 0.
 */
export function scoreSession(session: Session, terms: readonly string[]): number {
  const unique = [...new Set(terms)];
  if (unique.length === 0) return 0;
  const fields: Array<[Map<string, number>, number]> = [
    [termCounts(session.name), LIBRARY_FIELD_WEIGHTS.name],
    [termCounts((session.tags ?? []).join(' ')), LIBRARY_FIELD_WEIGHTS.tags],
    [termCounts(session.instruction), LIBRARY_FIELD_WEIGHTS.instruction],
    [termCounts(session.summary), LIBRARY_FIELD_WEIGHTS.summary],
  ];
  let score = 0;
  for (const term of unique) {
    for (const [counts, weight] of fields) score += (counts.get(term) ?? 0) * weight;
  }
  return score;
}

/**
 * The reference library search: keeps sessions passing the query's filters; with text, keeps
 * those where at least one term occurs (score > 0) and ranks by score, best first; ties (and
 * every hit of an empty text, all scored 0) go newest `createdAt` first. With `rankBy: 'outcome'`,
 * hits are first ordered by {@link LIBRARY_OUTCOME_TIERS} of their outcome. Then `limit`.
 *
 * @param outcomes each session's outcome by id, read for `rankBy: 'outcome'` (a session not in it has none)
 */
export function searchSessions(
  sessions: readonly Session[],
  query: LibraryQuery = {},
  outcomes: ReadonlyMap<string, SessionOutcome> = new Map(),
): LibraryHit[] {
  const terms = tokenizeForSearch(query.text);
  const hits: LibraryHit[] = [];
  for (const session of sessions) {
    if (!sessionMatchesFilter(session, query)) continue;
    const score = scoreSession(session, terms);
    if (terms.length > 0 && score === 0) continue;
    hits.push({ session, score });
  }
  const tier = (hit: LibraryHit): number =>
    query.rankBy === 'outcome' ? LIBRARY_OUTCOME_TIERS[outcomes.get(hit.session.id)?.pullRequest ?? 'none'] : 0;
  hits.sort((a, b) => tier(a) - tier(b) || b.score - a.score || compareSessionsNewestFirst(a.session, b.session));
  return query.limit === undefined ? hits : hits.slice(0, Math.max(0, query.limit));
}
