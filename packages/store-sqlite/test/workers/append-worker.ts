/**
 * A child process that appends events to one session of a SQLite store, for the multi-process
 * and crash tests. Run: node --import tsx --conditions=@sessionhub/source append-worker.ts <json args>
 *
 * Protocol on stdout, one line each: `ready` once the store is open, then `ack <seq>` after every
 * acknowledged `appendEvents` (for every seq it returned), and `done` at the end. Pipes are
 * written synchronously on Linux, so a line printed is a line the parent sees even after SIGKILL.
 * With `waitForGo`, it waits for a line on stdin before appending, so several workers start together.
 */
import { createInterface } from 'node:readline';
import { openSqliteStore } from '../../src/index.js';

interface WorkerArgs {
  path: string;
  sessionId: string;
  workerId: string;
  /** Number of appendEvents calls; 0 means until killed. */
  appends: number;
  /** Events per call cycle through these sizes. */
  batchSizes: number[];
  waitForGo?: boolean;
  driver?: 'better-sqlite3' | 'node:sqlite';
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const store = await openSqliteStore({ path: args.path, busyTimeoutMs: 60_000, driver: args.driver });
process.stdout.write('ready\n');
if (args.waitForGo) {
  const lines = createInterface({ input: process.stdin });
  // A parent that dies before "go" closes stdin: exit instead of waiting forever.
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
    message: `${args.workerId}:${i}:${j}`,
  }));
  const stored = await store.appendEvents(args.sessionId, batch);
  process.stdout.write(`${stored.map((e) => `ack ${e.seq}`).join('\n')}\n`);
  // Let the event loop run between appends, so output and signals are never starved.
  await new Promise((resolve) => setImmediate(resolve));
}
await store.close();
process.stdout.write('done\n');
