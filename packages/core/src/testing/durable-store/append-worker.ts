import { createInterface } from 'node:readline';
import type { Store } from '../../ports/store.js';

/** What the parent tells an append worker (passed as its JSON argument). */
export interface AppendWorkerArgs {
  sessionId: string;
  workerId: string;
  /** Number of appendEvents calls; 0 means until killed. */
  appends: number;
  /** Events per call cycle through these sizes. */
  batchSizes: number[];
  /** Wait for a line on stdin before appending, so several workers start together. */
  waitForGo?: boolean;
  /** Make every append conditional on this last seq (compare-and-append races across processes). */
  expectedSeq?: number;
  /**
   * Print `error <code>` for a rejected append and go on, instead of failing the worker: for
   * faults where a typed refusal is a right answer (a conflict, a lost lock, a full disk).
   */
  continueOnError?: boolean;
}

/** Options of {@link runAppendWorker}. */
export interface AppendWorkerOptions {
  /** The message of event `j` of call `i`; must start with `<workerId>:<i>:<j>`. Default exactly that. */
  message?: (i: number, j: number) => string;
}

/**
 * The body of an append worker child process, for multi-process and crash tests of a durable
 * store: the adapter's worker script opens its store and calls this. Protocol on stdout, one line
 * each: `ready` once called, then `ack <seq>` for every seq each `appendEvents` returned, and
 * `done` at the end (the store is closed first); with `continueOnError`, `error <code>` for each
 * rejected append. Pipe writes are synchronous on Linux, so a line
 * printed is a line the parent sees even after SIGKILL. A parent that closes stdin before "go"
 * makes the worker exit with code 1.
 */
export async function runAppendWorker(
  store: Store,
  args: AppendWorkerArgs,
  opts: AppendWorkerOptions = {},
): Promise<void> {
  const message = opts.message ?? ((i: number, j: number) => `${args.workerId}:${i}:${j}`);
  process.stdout.write('ready\n');
  if (args.waitForGo) {
    const lines = createInterface({ input: process.stdin });
    const go = await new Promise<boolean>((resolve) => {
      lines.once('line', () => resolve(true));
      lines.once('close', () => resolve(false));
    });
    if (!go) process.exit(1);
    lines.close();
  }
  for (let i = 0; args.appends === 0 || i < args.appends; i++) {
    const size = args.batchSizes[i % args.batchSizes.length] ?? 1;
    const batch = Array.from({ length: size }, (_, j) => ({
      type: 'executor.progress' as const,
      sessionId: args.sessionId,
      kind: 'output' as const,
      message: message(i, j),
    }));
    let stored: Awaited<ReturnType<Store['appendEvents']>>;
    try {
      stored = await store.appendEvents(args.sessionId, batch, { expectedSeq: args.expectedSeq });
    } catch (error) {
      if (!args.continueOnError) throw error;
      process.stdout.write(`error ${String((error as { code?: unknown }).code)}\n`);
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    process.stdout.write(`${stored.map((e) => `ack ${e.seq}`).join('\n')}\n`);
    // Let the event loop run between appends, so output and signals are never starved.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await store.close();
  process.stdout.write('done\n');
}
