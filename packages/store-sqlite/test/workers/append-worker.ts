/**
 * A child process that appends events to one session of a SQLite store, for the multi-process
 * and crash tests. Run: node --import tsx --conditions=@sessionhub/source append-worker.ts <json args>
 * The protocol (`ready`, `ack <seq>`, `done`) is core's `runAppendWorker`.
 */
import { type AppendWorkerArgs, runAppendWorker } from '@sessionhub/core/testing';
import { openSqliteStore, type SqliteDriverName } from '../../src/index.js';

interface WorkerArgs extends AppendWorkerArgs {
  path: string;
  driver?: SqliteDriverName;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const store = await openSqliteStore({ path: args.path, busyTimeoutMs: 60_000, driver: args.driver });
await runAppendWorker(store, args);
