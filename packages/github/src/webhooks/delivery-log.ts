import type { QueuedJob, WebhookJob } from './jobs.js';

/** The state of a recorded delivery. */
export type DeliveryState = 'ignored' | 'queued' | 'done' | 'failed';

/**
 * The durable record of webhook deliveries: what makes the receiver idempotent across restarts and safe with
 * several receiver processes on one log. A delivery id is recorded once (`claim`), with the job it asked for;
 * the job is leased to the log's owner (one receiver process) while it waits and runs, and the job's session id
 * and end are recorded as it runs. A job whose owner stopped renewing its lease is taken by another owner.
 */
export interface DeliveryLog {
  /** Who this log's leases are held by (one receiver process). */
  readonly owner: string;
  /** How long a lease lasts without renewal, in milliseconds. The receiver renews every third of it. */
  readonly leaseMs: number;
  /**
   * Records a delivery with its job (`null`: nothing to do) if its id is new, atomically; the job is leased to
   * {@link DeliveryLog.owner}. `key` (an error fingerprint, say) makes every later delivery with the same key a
   * duplicate too: one job per key, ever. Resolves once the record is durable (committed); rejects with a
   * `GitHostError` `git_host.delivery_log_unavailable` when nothing could be recorded.
   * @returns `false` when the delivery id (or the key) was already recorded, by any process: nothing is to be done.
   */
  claim(deliveryId: string, event: string, job: WebhookJob | null, key?: string): Promise<boolean>;
  /**
   * Leases to this owner every queued job nobody holds: never leased, released, or whose lease ran out (its
   * owner died). With `own`, also the jobs leased to this same owner (a restart under a stable owner name).
   * One statement: two owners never take the same job. Oldest first.
   */
  take(options?: { own?: boolean }): QueuedJob[];
  /** Extends the lease of every queued job this owner holds. */
  renew(): void;
  /** Gives up this owner's leases (a graceful shutdown): another owner takes the jobs at once. */
  release(): void;
  /** Replaces a queued job (an error report becomes an issue job once its issue is filed). */
  updateJob(deliveryId: string, job: WebhookJob): void;
  /** Records the session a job started. */
  setSession(deliveryId: string, sessionId: string): void;
  /** Records that a job ended (and frees its lease). */
  finish(deliveryId: string, state: 'done' | 'failed', note?: string): void;
  /** Jobs recorded but not ended, whoever holds them, oldest first. */
  pending(): QueuedJob[];
  /** The recorded state of a delivery, if any. */
  get(
    deliveryId: string,
  ): { event: string; state: DeliveryState; sessionId?: string; note?: string; owner?: string } | undefined;
  close(): void;
}
