import { SessionHubError } from '@sessionhub/core';

/**
 * An error of the fleet: `fleet.unavailable` (the queue's database cannot be reached),
 * `fleet.timeout` (a command was not taken by any worker in time), `fleet.stopped` (the client or
 * worker was closed). A decision refused by the engine that runs the session keeps the engine's own
 * error class and code (`session.invalid_state`, `budget.still_exceeded`, ...).
 */
export class FleetError extends SessionHubError {}
