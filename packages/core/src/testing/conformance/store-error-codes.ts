/**
 * The `code`s of the `StoreError`s a store throws, and when. A third-party store uses these and
 * no others, so callers (the engine, the CLI, a retry loop) can act on them without knowing the
 * backend. An aborted call is not a `StoreError`: it rejects with the signal's `reason` itself
 * (what `signal.throwIfAborted()` throws), so the caller recognises its own cancellation.
 */
export const STORE_ERROR_CODES = {
  /** `updateSession` / `appendEvents` of a session that does not exist. */
  'store.not_found': 'the session does not exist',
  /** `createSession` of an existing id, or a conditional `appendEvents` whose `expectedSeq` is not the last seq. */
  'store.conflict': 'the id exists, or another writer appended first',
  /** Any call after `close()`. */
  'store.closed': 'the store was closed',
  /** An id that is not well-formed Unicode, a value that is not JSON data, a bad `fromSeq`/`limit`/`expectedSeq`. */
  'store.invalid_value': 'the argument cannot be stored or is not a valid range',
  /** Stored data that cannot be read back (a damaged file, a foreign database); the message names where. */
  'store.corrupt': 'the stored data is damaged',
  /** The stored data was written by a newer version of the store; upgrade the package. */
  'store.schema_too_new': 'the data needs a newer store',
  /** A write to a store opened read-only, or to a location the process cannot write (with the reason). */
  'store.read_only': 'the store or its location cannot be written',
  /**
   * The backend cannot serve the call now: locked by another process or connection past the
   * store's wait, disk full, I/O error, server unreachable. The call wrote nothing; retrying
   * later may succeed.
   */
  'store.unavailable': 'the backend cannot serve the call now',
} as const;

/** One of {@link STORE_ERROR_CODES}. */
export type StoreErrorCode = keyof typeof STORE_ERROR_CODES;
