/** Replaces every occurrence of each secret (of at least 4 characters) in a text; the text itself when none occurs. */
export function redact(text: string, secrets: string | undefined | readonly (string | undefined)[]): string {
  const list = Array.isArray(secrets) ? secrets : [secrets];
  let out = text;
  for (const secret of list)
    if (secret && secret.length >= 4 && out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out;
}

/**
 * A JSON value with every secret (see {@link redact}) replaced in its serialized form, keys included: the value
 * itself when no secret occurs in it (one `JSON.stringify`, nothing copied), else a redacted copy.
 */
export function redactJson<T>(value: T, secrets: readonly (string | undefined)[]): T {
  if (secrets.length === 0) return value;
  const json = JSON.stringify(value);
  const out = redact(json, secrets);
  return out === json ? value : (JSON.parse(out) as T);
}
