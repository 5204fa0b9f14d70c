import { FakeOptionError } from '../errors.js';

/**
 * Faults the fake OpenAI API serves before any scripted reply; a fault never consumes a turn, so a
 * retried request sees the same turn.
 */
export type ChatFault =
  /** 429 `rate_limit_error` (`rate_limit_exceeded`) with `retry-after` (seconds, default 1) and `retry-after-ms`. */
  | { kind: 'rate_limit'; retryAfterS?: number; retryAfterMs?: number }
  /** 500 `server_error`. */
  | { kind: 'server_error'; retryAfterMs?: number }
  /** Any error status (400–599), type and code. */
  | { kind: 'error'; status: number; errorType: string; code?: string; message?: string }
  /** A streaming request gets its first `afterChunks` chunks (default 2), then the connection is destroyed. */
  | { kind: 'drop_mid_stream'; afterChunks?: number }
  /** A 200 whose body is cut short (JSON) or an SSE chunk that is not JSON (streaming). */
  | { kind: 'malformed' }
  /** Sends the headers (and for a stream, `afterChunks` chunks), then holds the connection until the client leaves (or `maxMs`, default 30 s). */
  | { kind: 'stall'; afterChunks?: number; maxMs?: number };

/** Throws `FakeOptionError` (`fake.invalid_fault`) for a fault that cannot be served as described. */
export function checkChatFault(fault: ChatFault): void {
  if (fault.kind === 'error' && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599))
    throw new FakeOptionError('fake.invalid_fault', `invalid error fault: status must be 400–599, got ${fault.status}`);
  for (const [name, value] of Object.entries(fault)) {
    if (name !== 'kind' && typeof value === 'number' && !(Number.isFinite(value) && value >= 0))
      throw new FakeOptionError('fake.invalid_fault', `invalid ${fault.kind} fault: ${name} must be ≥ 0, got ${value}`);
  }
}
