import type { QueuedJob } from './jobs.js';

/** Runs a queued job; the signal aborts when the queue closes. */
export type JobRunner = (job: QueuedJob, opts: { signal: AbortSignal }) => Promise<void>;

/**
 * An in-process queue: jobs run in the background, `concurrency` at a time, in arrival order. The durable
 * record of each job is the delivery log; this only schedules. A runner's error goes to `onError`.
 */
export class JobQueue {
  private readonly waiting: QueuedJob[] = [];
  /** Delivery ids waiting or running here: a job taken again (its lease ran out while it ran) is not run twice. */
  private readonly known = new Set<string>();
  private running = 0;
  private heavy = 0;
  private readonly controller = new AbortController();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly runner: JobRunner,
    private readonly concurrency: number,
    private readonly onError: (error: unknown, job: QueuedJob) => void,
  ) {}

  /**
   * Queues a job; returns at once. Short jobs (an approval, a rating) start at once beside the others, so an
   * approval is never stuck behind the session that waits for it. A job already waiting or running here is ignored.
   */
  push(job: QueuedJob): void {
    if (this.controller.signal.aborted || this.known.has(job.deliveryId)) return;
    this.known.add(job.deliveryId);
    if (job.job.kind === 'approve' || job.job.kind === 'rate') this.start(job);
    else {
      this.waiting.push(job);
      this.pump();
    }
  }

  /** Resolves when no job is running or waiting. */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((ok) => this.idleWaiters.push(ok));
  }

  /** Stops taking jobs and aborts the running ones; resolves when they have settled. */
  async close(): Promise<void> {
    for (const job of this.waiting.splice(0)) this.known.delete(job.deliveryId);
    this.controller.abort();
    await this.idle();
  }

  private pump(): void {
    while (this.heavy < this.concurrency && this.waiting.length > 0) {
      this.heavy++;
      this.start(this.waiting.shift() as QueuedJob, () => this.heavy--);
    }
  }

  private start(job: QueuedJob, release: () => void = () => {}): void {
    this.running++;
    this.runner(job, { signal: this.controller.signal })
      .catch((error: unknown) => this.onError(error, job))
      .finally(() => {
        this.known.delete(job.deliveryId);
        this.running--;
        release();
        this.pump();
        if (this.running === 0 && this.waiting.length === 0) {
          for (const wake of this.idleWaiters.splice(0)) wake();
        }
      });
  }
}
