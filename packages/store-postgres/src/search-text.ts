import type { Session } from '@sessionhub/core';

/**
 * The words of a text as the library indexes them: lower-cased runs of Unicode letters and digits,
 * joined by single spaces. Both the indexed fields and a query go through this, so PostgreSQL's
 * parser sees only plain words and never splits them differently on the two sides; U+0000 and
 * any punctuation never reach it.
 */
export function searchWords(text: string | undefined | null): string[] {
  return (
    String(text ?? '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).filter((w) => w.length > 0);
}

/** The four weighted library fields of a session: name and tags weigh A, instruction and summary B. */
export function libraryFields(session: Session): [string, string, string, string] {
  return [
    searchWords(session.name).join(' '),
    searchWords((session.tags ?? []).join(' ')).join(' '),
    searchWords(session.instruction).join(' '),
    searchWords(session.summary).join(' '),
  ];
}

/** The SQL expression of the library `tsvector` over parameters `$a..$d` (name, tags, instruction, summary). */
export function searchVectorSql(a: string, b: string, c: string, d: string): string {
  return `setweight(to_tsvector('simple', ${a}), 'A') || setweight(to_tsvector('simple', ${b}), 'A')
    || setweight(to_tsvector('simple', ${c}), 'B') || setweight(to_tsvector('simple', ${d}), 'B')`;
}

/**
 * A `to_tsquery('simple', ...)` text from free user text: every word as a quoted prefix term
 * (`'word':*`), all required (`&`), as the SQLite store's FTS5 query. The words hold only
 * letters and digits, so no user text reaches tsquery operators. `undefined` when there are none.
 */
export function toTsQuery(text: string | undefined): string | undefined {
  const words = searchWords(text);
  if (words.length === 0) return undefined;
  return words.map((w) => `'${w}':*`).join(' & ');
}

/** Whether a patch touches a field of the library index (so the `tsvector` must be rebuilt). */
export function touchesLibrary(patch: object): boolean {
  return ['name', 'tags', 'instruction', 'summary'].some((k) => k in patch);
}
