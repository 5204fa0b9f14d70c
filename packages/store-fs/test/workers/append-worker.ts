/**
 * A child process that appends events to one session of a directory store, for the
 * multi-process and crash tests. Run: node --import tsx --conditions=@sessionhub/source append-worker.ts <json args>
 * The protocol (`ready`, `ack <seq>`, `done`) is core's `runAppendWorker`.
 */
import { type AppendWorkerArgs, runAppendWorker } from '@sessionhub/core/testing';
import { openFsStore } from '../../src/index.js';

interface WorkerArgs extends AppendWorkerArgs {
  dir: string;
  /** Extra bytes per event: big batches span many pages, so a kill can land inside one write. */
  padBytes?: number;
  /** The lock's `staleMs` (default the store's). */
  staleMs?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const store = await openFsStore({ dir: args.dir, lock: { staleMs: args.staleMs } });
await runAppendWorker(store, args, {
  // Varying lengths, so a kill can land inside lines of any size.
  message: (i, j) => `${args.workerId}:${i}:${j}:${'x'.repeat(((i * 37 + j * 11) % 700) + (args.padBytes ?? 0))}`,
});
