/** Replaces every occurrence of each secret (of at least 4 characters) in a text. */
export function redact(text: string, secrets: string | undefined | readonly (string | undefined)[]): string {
  const list = Array.isArray(secrets) ? secrets : [secrets];
  let out = text;
  for (const secret of list) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}
