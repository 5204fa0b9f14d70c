/** The text that replaces a secret. */
export const REDACTED = '[REDACTED]';

/** Environment variable names whose values are treated as secrets. */
const SECRET_ENV_NAME = /key|token|secret|passw(or)?d|credential|auth/i;
/** Shorter values are too likely to appear by chance in ordinary text. */
const MIN_ENV_SECRET_LENGTH = 8;

/** Replaces secrets in any JSON-like value, returning a copy only where something changed. */
export type Redactor = <T>(value: T) => T;

/** The secret values found in an environment: those of variables named like keys, tokens or passwords. */
export function secretsFromEnv(env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_ENV_SECRET_LENGTH && SECRET_ENV_NAME.test(name)) out.push(value);
  }
  return out;
}

/**
 * Builds a redactor that replaces every given secret in every string of a value, deeply, object keys
 * included. Every occurrence of every secret is found (also where two secrets overlap), and each run
 * of overlapping or touching occurrences becomes one `[REDACTED]`, so no fragment of a secret is left.
 * A secret split across two separate strings (two events) is not found: each string is scanned alone.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const unique = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return (v) => v;
  const pattern = new RegExp(unique.map(escapeRegExp).join('|'));
  const shortest = unique[unique.length - 1]!.length;
  const redactString = (s: string): string => {
    if (s.length < shortest || !pattern.test(s)) return s;
    return replaceRanges(s, secretRanges(s, unique));
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactString(v);
    if (Array.isArray(v)) {
      let changed = false;
      const out = v.map((x) => {
        const y = walk(x);
        if (y !== x) changed = true;
        return y;
      });
      return changed ? out : v;
    }
    if (v !== null && typeof v === 'object') {
      let changed = false;
      const entries = Object.entries(v).map(([k, x]) => {
        const key = redactString(k);
        const y = walk(x);
        if (key !== k || y !== x) changed = true;
        return [key, y] as const;
      });
      // Rebuilt in order, so a redacted key keeps its place.
      return changed ? Object.fromEntries(entries) : v;
    }
    return v;
  };
  return <T>(value: T) => walk(value) as T;
}

/** Every [start, end) range where some secret occurs, merged where ranges overlap or touch. */
function secretRanges(s: string, secrets: readonly string[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const secret of secrets) {
    for (let i = s.indexOf(secret); i >= 0; i = s.indexOf(secret, i + 1)) ranges.push([i, i + secret.length]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

function replaceRanges(s: string, ranges: ReadonlyArray<[number, number]>): string {
  let out = '';
  let at = 0;
  for (const [start, end] of ranges) {
    out += s.slice(at, start) + REDACTED;
    at = end;
  }
  return out + s.slice(at);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
