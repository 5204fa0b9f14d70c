/** Collects positional parameters (`$1`, `$2`, ...) while a SQL text is built. */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * A key (id, tag, template name, path) as PostgreSQL `text` can hold it. `text` cannot hold
 * U+0000, which is a valid character of an id; this escaping is injective (`\` becomes `\\`,
 * U+0000 becomes `\0`), so equality and uniqueness are exact. Keys are only compared, never read
 * back: the session's JSON keeps the original.
 */
export function keyText(key: string): string {
  return key.includes('\\') || key.includes('\u0000') ? key.replaceAll('\\', '\\\\').replaceAll('\u0000', '\\0') : key;
}

/** `keyText` of an optional key, `null` when absent. */
export function keyOrNull(key: string | undefined): string | null {
  return key === undefined || key === null ? null : keyText(String(key));
}

/** The inverse of {@link keyText}. */
export function unkeyText(text: string): string {
  return text.includes('\\') ? text.replace(/\\([\\0])/g, (_, c: string) => (c === '0' ? '\u0000' : '\\')) : text;
}
