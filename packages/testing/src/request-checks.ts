import type { IncomingMessage } from 'node:http';

const REDACTED = '[redacted]';

/** The API key a request presents (`x-api-key` or `Authorization: Bearer`). */
export function presentedKey(req: IncomingMessage): string | undefined {
  const x = req.headers['x-api-key'];
  if (typeof x === 'string' && x) return x;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ') && auth.length > 7) return auth.slice(7);
  return undefined;
}

/** Request headers with API keys replaced by `[redacted]`. */
export function redactHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] =
      name === 'x-api-key' || name === 'authorization' ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
