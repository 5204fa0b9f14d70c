/**
 * A child process that appends events to one session of a directory store, for the
 * multi-process and crash tests. Run: node --import tsx --conditions=@sessionhub/source append-worker.ts <json args>
 *
 * Protocol on stdout, one line each: `ready` once the store is open, then `ack <seq>` after every
 * acknowledged `appendEvents` (for every seq it returned), and `done` at the end. Pipe writes are
 * synchronous on Linux, so a line printed is a line the parent sees even after SIGKILL.
 * With `waitForGo`, it waits for a line on stdin before appending, so several workers start together.
 */
import { createInterface } from 'node:readline';
import { openFsStore } from '../../src/index.js';

interface WorkerArgs {
  dir: string;
  sessionId: string;
  workerId: string;
  /** Number of appendEvents calls; 0 means until killed. */
  appends: number;
  /** Events per call cycle through these sizes. */
  batchSizes: number[];
  waitForGo?: boolean;
  /** Extra bytes per event: big batches span many pages, so a kill can land inside one write. */
  padBytes?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const store = await openFsStore({ dir: args.dir });
process.stdout.write('ready\n');
if (args.waitForGo) {
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();
}
for (let i = 0; args.appends === 0 || i < args.appends; i++) {
  const size = args.batchSizes[i % args.batchSizes.length] ?? 1;
  const batch = Array.from({ length: size }, (_, j) => ({
    type: 'executor.progress' as const,
    sessionId: args.sessionId,
    kind: 'output' as const,
    // Varying lengths, so a kill can land inside lines of any size.
    message: `${args.workerId}:${i}:${j}:${'x'.repeat(((i * 37 + j * 11) % 700) + (args.padBytes ?? 0))}`,
  }));
  const stored = await store.appendEvents(args.sessionId, batch);
  process.stdout.write(`${stored.map((e) => `ack ${e.seq}`).join('\n')}\n`);
  // Let the event loop run between appends, so output and signals are never starved.
  await new Promise((resolve) => setImmediate(resolve));
}
await store.close();
process.stdout.write('done\n');
