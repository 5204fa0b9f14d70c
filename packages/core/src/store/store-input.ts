import { StoreError } from '../errors.js';

/** A lone surrogate: with the `u` flag, a well-formed pair is one code point and never matches. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Checks a key a store files things under (a session id, a template id or name): a string of
 * well-formed Unicode. A lone surrogate (`'a\ud800'`) would turn into U+FFFD on its way to UTF-8,
 * so two different ids would name one session; such ids are refused with `store.invalid_value`.
 */
export function checkStoreKey(value: unknown, what: string): string {
  if (typeof value !== 'string') {
    throw new StoreError('store.invalid_value', `${what} must be a string, got ${typeof value}`);
  }
  if (LONE_SURROGATE.test(value)) {
    throw new StoreError(
      'store.invalid_value',
      `${what} ${JSON.stringify(value)} is not well-formed Unicode (it holds a lone surrogate)`,
    );
  }
  return value;
}

/**
 * A value as the JSON text a store keeps, or `store.invalid_value` for what JSON cannot hold
 * faithfully: a cycle, a `BigInt`, or a value that is not an object at the top.
 */
export function storedJson(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new StoreError('store.invalid_value', `${what} cannot be stored: it is not plain JSON data (${reason})`, {
      cause,
    });
  }
  if (text === undefined || typeof value !== 'object' || value === null) {
    throw new StoreError('store.invalid_value', `${what} cannot be stored: it must be a JSON object`);
  }
  return text;
}

/** A `readEvents` range checked: `fromSeq` (default 1, below 1 reads from 1) and `limit` (default all). */
export interface EventRange {
  fromSeq: number;
  limit: number | undefined;
}

/**
 * Checks `readEvents`' `fromSeq` and `limit`: each, when given, must be an integer (`NaN`,
 * `Infinity` and fractions are `store.invalid_value`), and `limit` must not be negative.
 * A `fromSeq` below 1 reads from the first event.
 */
export function checkEventRange(opts: { fromSeq?: unknown; limit?: unknown } = {}): EventRange {
  const { fromSeq, limit } = opts;
  if (fromSeq !== undefined && !Number.isSafeInteger(fromSeq)) {
    throw new StoreError('store.invalid_value', `readEvents: fromSeq must be an integer, got ${String(fromSeq)}`);
  }
  if (limit !== undefined && (!Number.isSafeInteger(limit) || (limit as number) < 0)) {
    throw new StoreError('store.invalid_value', `readEvents: limit must be an integer ≥ 0, got ${String(limit)}`);
  }
  return { fromSeq: Math.max(1, (fromSeq as number | undefined) ?? 1), limit: limit as number | undefined };
}

/**
 * Checks `appendEvents`' `expectedSeq` (an integer ≥ 0) when given, or `store.invalid_value`.
 * The compare-and-append itself is the store's: under its lock or in its transaction.
 */
export function checkExpectedSeq(expectedSeq: unknown): number | undefined {
  if (expectedSeq === undefined) return undefined;
  if (!Number.isSafeInteger(expectedSeq) || (expectedSeq as number) < 0) {
    throw new StoreError(
      'store.invalid_value',
      `appendEvents: expectedSeq must be an integer ≥ 0, got ${String(expectedSeq)}`,
    );
  }
  return expectedSeq as number;
}

/** The `store.conflict` of a conditional append whose `expectedSeq` is not the session's last seq. */
export function appendConflict(sessionId: string, expectedSeq: number, lastSeq: number): StoreError {
  return new StoreError(
    'store.conflict',
    `session ${sessionId} is at seq ${lastSeq}, not at the expected ${expectedSeq}: another writer appended first`,
  );
}
