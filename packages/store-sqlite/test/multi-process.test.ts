import { join } from 'node:path';
import { expectConcurrentAppendsSound, runConcurrentAppenders } from '@sessionhub/core/testing';
import { afterEach, describe, it } from 'vitest';
import { openSqliteStore } from '../src/index.js';
import { spawnAppender, tempDir } from './helpers.js';

const WORKERS = 4;
const APPENDS_PER_WORKER = 150;
const BATCH_SIZES = [1, 3, 2, 5];

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup) await fn();
  cleanup = [];
});

describe('several processes appending to one session', () => {
  for (const driver of ['better-sqlite3', 'node:sqlite'] as const) {
    it(`${WORKERS} real processes (${driver}) get exactly 1..N with no lost or doubled seq`, async () => {
      const { dir, remove } = await tempDir();
      cleanup.push(remove);
      const path = join(dir, 'shared.db');
      const result = await runConcurrentAppenders({
        workers: WORKERS,
        appendsPerWorker: APPENDS_PER_WORKER,
        batchSizes: BATCH_SIZES,
        open: () => openSqliteStore({ path, driver }),
        spawnAppender: (args) => spawnAppender(path, args, driver),
      });
      expectConcurrentAppendsSound(result);
    }, 120_000);
  }
});
