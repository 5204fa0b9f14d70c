import { FakeOptionError } from './errors.js';
import type { WireErrorType } from './wire.js';

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
  /** Any error status (400–599) and type, e.g. 401 `authentication_error`. */
  | { kind: 'error'; status: number; errorType: string; message?: string; headers?: Record<string, string> }
  /** Sends the first `afterEvents` SSE events (default 3), then destroys the connection. */
  | { kind: 'drop_mid_stream'; afterEvents?: number }
  /**
   * A 200 stream that sends the first `afterEvents` events (default 3), then an `error` event
   * (default `overloaded_error`), as the real API does when it is overloaded mid-answer.
   * A non-streaming request gets the error's status instead.
   */
  | { kind: 'stream_error'; afterEvents?: number; errorType?: WireErrorType; message?: string }
  /** Sends `message_start`, then an event whose data is not JSON, then ends the stream. */
  | { kind: 'malformed_sse' }
  /** A 200 whose JSON body is cut short (non-streaming requests; a streaming request gets `malformed_sse`). */
  | { kind: 'malformed_json' }
  /** Waits `delayMs` before the status line, then answers the turn normally. */
  | { kind: 'slow_first_byte'; delayMs: number }
  /** Sends the first `afterEvents` SSE events (default 3), then holds the connection open until the client goes away (or `maxMs`, default 30 s). */
  | { kind: 'stall'; afterEvents?: number; maxMs?: number };

/** The `kind` strings of {@link Fault}. */
export type FaultKind = Fault['kind'];

/** Throws `FakeOptionError` (`fake.invalid_fault`) for a fault the fake cannot serve as described. */
export function checkFault(fault: Fault): void {
  const bad = (why: string): never => {
    throw new FakeOptionError('fake.invalid_fault', `invalid ${fault.kind} fault: ${why}`);
  };
  if (fault.kind === 'error' && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)) {
    bad(`status must be an error status from 400 to 599, got ${fault.status} (a 2xx or 3xx is not an error)`);
  }
  const counts: [string, number | undefined][] = [
    ['afterEvents', 'afterEvents' in fault ? fault.afterEvents : undefined],
    ['delayMs', 'delayMs' in fault ? fault.delayMs : undefined],
    ['maxMs', 'maxMs' in fault ? fault.maxMs : undefined],
    ['retryAfterMs', 'retryAfterMs' in fault ? fault.retryAfterMs : undefined],
  ];
  for (const [name, value] of counts) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0))
      bad(`${name} must be a number ≥ 0, got ${value}`);
  }
}
