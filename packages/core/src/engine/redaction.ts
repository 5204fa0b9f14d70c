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
 * Builds a redactor that replaces every given secret (longest first, so a secret containing another
 * is replaced whole) in every string of a value, deeply.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const unique = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return (v) => v;
  const pattern = new RegExp(unique.map(escapeRegExp).join('|'), 'g');
  const shortest = unique[unique.length - 1]!.length;
  const redactString = (s: string): string => {
    if (s.length < shortest) return s;
    pattern.lastIndex = 0;
    return pattern.test(s) ? s.replace(pattern, REDACTED) : s;
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
      let out: Record<string, unknown> | undefined;
      for (const [k, x] of Object.entries(v)) {
        const y = walk(x);
        if (y !== x) {
          out ??= { ...(v as Record<string, unknown>) };
          out[k] = y;
        }
      }
      return out ?? v;
    }
    return v;
  };
  return <T>(value: T) => walk(value) as T;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
