/**
 * @module @sessionhub/fleet — sessions leased to workers on many machines through pg-boss on
 * PostgreSQL: `createFleet(...).submit(request)` enqueues, `startWorker(...)` drives.
 */
export type { CommandOutcome, FleetCommand } from './commands.js';
export { FleetError } from './errors.js';
export { createFleet, Fleet, type FleetCommandOptions, type FleetOptions } from './fleet-client.js';
export { type FleetQueueOptions, SESSION_QUEUE, type SessionJob } from './queue.js';
export { type FleetWorker, startWorker, type WorkerOptions } from './worker.js';
