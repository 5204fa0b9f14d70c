import { expectConcurrentAppendsSound, runConcurrentAppenders } from '@sessionhub/core/testing';
import { afterAll, describe, it } from 'vitest';
import {
  fileCluster,
  freshSchema,
  openIn,
  PG_SKIP,
  skipWithReason,
  spawnAppender,
  storeOptions,
} from './support/pg.js';

const WORKERS = 4;
const APPENDS_PER_WORKER = 150;
const BATCH_SIZES = [1, 3, 2, 5];

if (PG_SKIP) skipWithReason('several processes appending to one session');
else {
  const cluster = fileCluster();
  afterAll(() => cluster.stop());
  describe('several processes appending to one session', () => {
    it(`${WORKERS} real processes get exactly 1..N with no lost or doubled seq`, async () => {
      const c = await cluster.get();
      const schema = freshSchema('mp');
      const result = await runConcurrentAppenders({
        workers: WORKERS,
        appendsPerWorker: APPENDS_PER_WORKER,
        batchSizes: BATCH_SIZES,
        open: () => openIn(c, schema),
        spawnAppender: (args) => spawnAppender(storeOptions(c, schema), args),
      });
      expectConcurrentAppendsSound(result);
    }, 120_000);
  });
}
