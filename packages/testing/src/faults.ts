/**
 * Faults the fake injects instead of (or before) a scripted reply. A fault never consumes a
 * scripted turn, so a retried request sees the same turn; `slow_first_byte` is the exception in
 * that it answers the turn after its delay.
 */
export type Fault =
  /** 429 `rate_limit_error` with `retry-after` (seconds, default 1) and optionally `retry-after-ms`. */
  | { kind: 'rate_limit'; retryAfterS?: number; retryAfterMs?: number }
  /** 500 `api_error`. */
  | { kind: 'server_error'; retryAfterMs?: number }
  /** 529 `overloaded_error`. */
  | { kind: 'overloaded'; retryAfterMs?: number }
  /** Any error status and type, e.g. 401 `authentication_error`. */
  | { kind: 'error'; status: number; errorType: string; message?: string; headers?: Record<string, string> }
  /** Sends the first `afterEvents` SSE events (default 3), then destroys the connection. */
  | { kind: 'drop_mid_stream'; afterEvents?: number }
  /** Sends `message_start`, then an event whose data is not JSON, then ends the stream. */
  | { kind: 'malformed_sse' }
  /** Waits `delayMs` before the status line, then answers the turn normally. */
  | { kind: 'slow_first_byte'; delayMs: number }
  /** Sends the first `afterEvents` SSE events (default 3), then holds the connection open until the client goes away (or `maxMs`, default 30 s). */
  | { kind: 'stall'; afterEvents?: number; maxMs?: number };

/** The `kind` strings of {@link Fault}. */
export type FaultKind = Fault['kind'];
