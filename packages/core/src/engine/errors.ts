import { SessionHubError } from '../errors.js';

/** Wraps anything thrown by an actor as a {@link SessionHubError}, keeping typed errors as they are. */
export function toSessionHubError(err: unknown, code: string): SessionHubError {
  if (SessionHubError.isInstance(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SessionHubError(code, message, { cause: err });
}

/**
 * The store refused a write: the engine can no longer record anything for the session, so it stops
 * without touching the session further (a later `resume` continues from the log).
 */
export class DurabilityError extends Error {
  constructor(readonly original: unknown) {
    super('store write failed', { cause: original });
  }
}
