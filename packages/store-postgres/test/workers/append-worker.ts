/**
 * A child process that appends events to one session of a PostgreSQL store, for the
 * multi-process, crash and fault tests. Args: JSON `{ options, ...AppendWorkerArgs }`; the
 * protocol (`ready`, `ack <seq>`, `done`) is core's `runAppendWorker`.
 */
import { type AppendWorkerArgs, runAppendWorker } from '@sessionhub/core/testing';
import { openPostgresStore, type PostgresStoreOptions } from '../../src/index.js';

const args = JSON.parse(process.argv[2] ?? '{}') as AppendWorkerArgs & { options: PostgresStoreOptions };
const store = await openPostgresStore(args.options);
await runAppendWorker(store, args);
