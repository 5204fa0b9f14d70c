import { describeDurableStoreFaults } from '@sessionhub/core/testing';
import { afterAll } from 'vitest';
import {
  fileCluster,
  openIn,
  PG_SKIP,
  schemaForDir,
  skipWithReason,
  spawnAppender,
  storeOptions,
} from './support/pg.js';

/** The stores' `lock_timeout` and `idle_in_transaction_session_timeout`: a stopped writer's lock lasts this long. */
const STALL_MS = 1000;

const SERVER_DISK =
  "a server store writes to the server's data directory, not to the directory the kit mounts; a full or read-only disk on the server reaches the store as a PostgreSQL error (53100, 25006), mapped in errors.ts";

// The faults that apply to a server store: a writer stopped (SIGSTOP) while holding a session's
// row lock, writers killed mid-transaction, odd ids and values, and processes racing one
// conditional append. Each kit directory maps to its own schema on one throwaway cluster.
if (PG_SKIP) skipWithReason('Durable store faults: postgres');
else {
  const cluster = fileCluster();
  afterAll(() => cluster.stop());
  const started = await cluster.get();
  const timeouts = { lockTimeoutMs: STALL_MS, idleInTransactionTimeoutMs: STALL_MS };
  describeDurableStoreFaults(
    'postgres',
    {
      open: (dir) => openIn(started, schemaForDir(dir), timeouts),
      spawnAppender: (dir, args) => spawnAppender(storeOptions(started, schemaForDir(dir), timeouts), args),
      stallMs: STALL_MS,
    },
    {
      skip: {
        'the disk fills during each kind of write': SERVER_DISK,
        'the file system turns read-only': SERVER_DISK,
      },
    },
  );
}
