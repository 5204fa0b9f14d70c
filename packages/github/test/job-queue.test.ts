import { describe, expect, it } from 'vitest';
import { JobQueue, type QueuedJob, type WebhookJob } from '../src/index.js';

const JOB: WebhookJob = { kind: 'issue', repo: 'octo/app', number: 1, sender: 'octocat', via: 'label' };

describe('JobQueue', () => {
  it('runs a job pushed again while it waits or runs here once (a lease taken back by its own process)', async () => {
    const runs: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    const queue = new JobQueue(
      async (job) => {
        runs.push(job.deliveryId);
        await held;
      },
      1,
      () => {},
    );
    const d1: QueuedJob = { deliveryId: 'd1', job: JOB };
    const d2: QueuedJob = { deliveryId: 'd2', job: JOB };
    queue.push(d1); // runs
    queue.push(d1);
    queue.push(d2); // waits
    queue.push(d2);
    release();
    await queue.idle();
    expect(runs).toEqual(['d1', 'd2']);
    queue.push(d1); // ended: it may run again
    await queue.idle();
    expect(runs).toEqual(['d1', 'd2', 'd1']);
  });
});
