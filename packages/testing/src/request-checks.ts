import type { IncomingMessage } from 'node:http';
import type { MessagesRequestBody } from './wire.js';

const REDACTED = '[redacted]';

/** What the real API would refuse in a body, as its error message; `undefined` when the body is acceptable. */
export function validate(body: MessagesRequestBody): string | undefined {
  if (typeof body !== 'object' || body === null) return 'body must be a JSON object';
  if (typeof body.model !== 'string' || !body.model) return 'model: field required';
  if (typeof body.max_tokens !== 'number' || body.max_tokens < 1) return 'max_tokens: field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: at least one message is required';
  if (body.messages[0]?.role !== 'user') return 'messages: first message must use the "user" role';
  const marks =
    (body.tools ?? []).filter((t) => t.cache_control).length +
    (typeof body.system === 'string' ? 0 : (body.system ?? []).filter((b) => b.cache_control).length) +
    body.messages.reduce(
      (n, m) => n + (typeof m.content === 'string' ? 0 : m.content.filter((b) => b.cache_control).length),
      0,
    );
  if (marks > 4) return `A maximum of 4 blocks with cache_control may be provided. Found ${marks}.`;
  return undefined;
}

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
