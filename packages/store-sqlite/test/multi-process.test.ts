import { join } from 'node:path';
import { expectConcurrentAppendsSound, runConcurrentAppenders } from '@sessionhub/core/testing';
import { describe, it } from 'vitest';
import { openSqliteStore } from '../src/index.js';
import { spawnAppender, tempDirsPerTest } from './helpers.js';

const WORKERS = 4;
const APPENDS_PER_WORKER = 150;
const BATCH_SIZES = [1, 3, 2, 5];

const freshDir = tempDirsPerTest();

describe('several processes appending to one session', () => {
  for (const driver of ['better-sqlite3', 'node:sqlite'] as const) {
    it(`${WORKERS} real processes (${driver}) get exactly 1..N with no lost or doubled seq`, async () => {
      const dir = await freshDir();
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
