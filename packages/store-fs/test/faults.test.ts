import { describeDurableStoreFaults } from '@sessionhub/core/testing';
import { openFsStore } from '../src/index.js';
import { spawnAppender } from './helpers.js';

/** Locks taken over after 2 s (the minimum), so a stalled writer is overtaken quickly. */
const STALE_MS = 2000;

// The faults users meet, on a real directory (disk faults on a small tmpfs when run as root).
describeDurableStoreFaults('fs', {
  open: (dir) => openFsStore({ dir, lock: { staleMs: STALE_MS } }),
  spawnAppender: (dir, args) => spawnAppender(dir, args, { staleMs: STALE_MS }),
  stallMs: STALE_MS,
});
