import { SessionHubError } from '@sessionhub/core';
import pg from 'pg';

/**
 * An error of the fleet: `fleet.unavailable` (the queue's database cannot be reached),
 * `fleet.timeout` (a command was not taken by any worker in time), `fleet.stopped` (the client or
 * worker was closed), `fleet.session_paused` and `fleet.handed_back` (a worker gives a session's job
 * back to the queue). A decision refused by the engine that runs the session keeps the engine's own
 * error class and code (`session.invalid_state`, `budget.still_exceeded`, ...).
 */
export class FleetError extends SessionHubError {}

function messageOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(messageOf).join('; ');
  return err instanceof Error ? err.message || err.name : String(err);
}

/** Whether an error means the database could not be reached or used (connection, authentication, missing database). */
function isUnreachable(err: unknown): boolean {
  if (err instanceof AggregateError) return true;
  const e = err as { code?: unknown; syscall?: unknown } | null;
  if (e && typeof e.syscall === 'string') return true; // a socket error: ECONNREFUSED, ENOTFOUND, ...
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^(08|28|3D|57P|53)/.test(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect/i.test(messageOf(err));
}

/**
 * `fleet.unavailable` for a database the fleet could not open, naming host, port, database and the
 * cause (never a password); any other error passes unchanged.
 */
export function whenUnreachable(err: unknown, connectionString: string, what: string): unknown {
  if (!isUnreachable(err)) return err;
  const probe = new pg.Client({ connectionString });
  const where = `${probe.host}:${probe.port}/${probe.database ?? ''}`;
  return new FleetError('fleet.unavailable', `${what}: PostgreSQL at ${where} cannot be reached (${messageOf(err)})`, {
    cause: err,
  });
}
