import type { ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import type { SessionEvent } from '../../model/events.js';
import type { Store } from '../../ports/store.js';
import type { AppendWorkerArgs } from './append-worker.js';
import { ackedSeqs, type ChildExit, waitForLine, watchChild } from './child-process.js';
import { sessionOf } from './fixtures.js';

/** Options of {@link runConcurrentAppenders}. */
export interface ConcurrentAppendersOptions {
  /** Number of child processes (the tests use 4). */
  workers: number;
  appendsPerWorker: number;
  /** Events per call cycle through these sizes. */
  batchSizes: number[];
  /** Opens the store under test, in this process. */
  open: () => Promise<Store>;
  /** Starts the adapter's append worker (see {@link runAppendWorker}) with these arguments. */
  spawnAppender: (args: AppendWorkerArgs) => ChildProcess;
}

/** What {@link runConcurrentAppenders} saw. */
export interface ConcurrentAppendsResult {
  /** Each worker's exit and stderr. */
  exits: Array<{ exit: ChildExit; stderr: string }>;
  /** The seqs each worker was acknowledged. */
  acked: number[][];
  /** The shared session's events, read back after every worker exited. */
  events: SessionEvent[];
  /** Events each worker appended. */
  perWorker: number;
  /** Events all workers appended. */
  total: number;
}

/**
 * Runs `workers` real processes appending to one session (`shared`) of one store at once: all
 * open the store, then start together; afterwards the session is read back.
 */
export async function runConcurrentAppenders(opts: ConcurrentAppendersOptions): Promise<ConcurrentAppendsResult> {
  const setup = await opts.open();
  await setup.createSession(sessionOf('shared'));
  await setup.close();

  const workers = Array.from({ length: opts.workers }, (_, w) => {
    const child = opts.spawnAppender({
      sessionId: 'shared',
      workerId: `w${w}`,
      appends: opts.appendsPerWorker,
      batchSizes: opts.batchSizes,
      waitForGo: true,
    });
    return { child, watch: watchChild(child) };
  });
  // Start every worker's appends together, once all have opened the store.
  await Promise.all(workers.map((w) => waitForLine(w.watch, 'ready')));
  for (const w of workers) w.child.stdin?.write('go\n');
  const exits = await Promise.all(workers.map(async (w) => ({ exit: await w.watch.exited, stderr: w.watch.stderr() })));

  const perWorker = Array.from(
    { length: opts.appendsPerWorker },
    (_, i) => opts.batchSizes[i % opts.batchSizes.length] ?? 1,
  ).reduce((a, b) => a + b, 0);
  const store = await opts.open();
  const events = await store.readEvents('shared');
  await store.close();
  return {
    exits,
    acked: workers.map((w) => ackedSeqs(w.watch.lines)),
    events,
    perWorker,
    total: opts.workers * perWorker,
  };
}

/**
 * Asserts (with vitest) that concurrent appenders got exactly 1..N: every worker exited 0, every
 * acknowledged seq is unique across workers and holds that worker's event, and each worker's
 * events number exactly what it appended.
 */
export function expectConcurrentAppendsSound(result: ConcurrentAppendsResult): void {
  const { exits, acked, events, perWorker, total } = result;
  for (const { exit, stderr } of exits) expect(exit, stderr).toEqual({ code: 0, signal: null });
  expect(events.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  expect(new Set(acked.flat()).size).toBe(total);
  acked.forEach((seqs, i) => {
    const mine = events.filter((e) => e.type === 'executor.progress' && e.message.startsWith(`w${i}:`));
    expect(mine.map((e) => e.seq).sort((a, b) => a - b)).toEqual([...seqs].sort((a, b) => a - b));
    expect(mine).toHaveLength(perWorker);
  });
}
