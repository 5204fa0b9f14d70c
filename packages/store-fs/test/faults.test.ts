import { describeDurableStoreFaults } from '@sessionhub/core/testing';
import { openFsStore } from '../src/index.js';
import { spawnAppender } from './helpers.js';

/**
 * A stopped writer on this machine keeps its lock (it still runs), so the others wait for it and
 * fail typed after `timeoutMs`; a lock is taken over by age (2 s, the minimum) only from a holder
 * that cannot be looked up.
 */
const STALE_MS = 2000;

// The faults users meet, on a real directory (disk faults on a small tmpfs when run as root).
describeDurableStoreFaults('fs', {
  open: (dir) => openFsStore({ dir, lock: { staleMs: STALE_MS, timeoutMs: STALE_MS } }),
  spawnAppender: (dir, args) => spawnAppender(dir, args, { staleMs: STALE_MS }),
  stallMs: STALE_MS,
});
