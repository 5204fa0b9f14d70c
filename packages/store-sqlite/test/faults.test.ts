import { join } from 'node:path';
import { describeDurableStoreFaults } from '@sessionhub/core/testing';
import { openSqliteStore } from '../src/index.js';
import { spawnAppender } from './helpers.js';

/** How long a write waits for another connection's lock before `store.unavailable`. */
const BUSY_MS = 1000;

// The faults users meet, on a real database file (disk faults on a small tmpfs when run as root).
describeDurableStoreFaults('sqlite', {
  open: (dir) => openSqliteStore({ path: join(dir, 'store.db'), busyTimeoutMs: BUSY_MS }),
  spawnAppender: (dir, args) => spawnAppender(join(dir, 'store.db'), args),
  stallMs: BUSY_MS,
});
