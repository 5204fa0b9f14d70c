/**
 * Builds a safe FTS5 MATCH expression from free user text.
 *
 * The text is split into word tokens (letters, digits, underscore, the same characters the
 * `unicode61` tokenizer keeps); each token becomes a quoted string with a prefix star, joined by
 * implicit AND. Quoting means no user text can reach FTS5 operators (`NEAR`, `OR`, `-`, `:`, `^`,
 * parentheses), so a query never fails to parse. Returns `undefined` when the text has no tokens.
 */
export function toFtsMatch(text: string | undefined, opts: { prefix?: boolean } = {}): string | undefined {
  const tokens = searchTokens(text ?? '');
  if (tokens.length === 0) return undefined;
  const star = opts.prefix === false ? '' : '*';
  return tokens.map((t) => `"${t.replaceAll('"', '""')}"${star}`).join(' ');
}

/** The word tokens of a search text, lower-cased. */
export function searchTokens(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []).filter((t) => t.length > 0);
}
