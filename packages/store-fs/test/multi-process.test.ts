import { expectConcurrentAppendsSound, runConcurrentAppenders } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { openFsStore } from '../src/index.js';
import { spawnAppender, tempDirsPerTest } from './helpers.js';

const WORKERS = 4;
const APPENDS_PER_WORKER = 150;
const BATCH_SIZES = [1, 3, 2, 5];

const freshDir = tempDirsPerTest();

describe('several processes appending to one session', () => {
  it(`${WORKERS} real processes get exactly 1..N with no lost or doubled seq`, async () => {
    const dir = await freshDir();
    const result = await runConcurrentAppenders({
      workers: WORKERS,
      appendsPerWorker: APPENDS_PER_WORKER,
      batchSizes: BATCH_SIZES,
      open: () => openFsStore({ dir }),
      spawnAppender: (args) => spawnAppender(dir, args),
    });
    expectConcurrentAppendsSound(result);
    // Each batch stays contiguous: events i:0..k of one call have consecutive seqs.
    for (let w = 0; w < WORKERS; w++) {
      const byCall = new Map<string, number[]>();
      for (const e of result.events) {
        if (e.type !== 'executor.progress' || !e.message.startsWith(`w${w}:`)) continue;
        const call = e.message.split(':').slice(0, 2).join(':');
        byCall.set(call, [...(byCall.get(call) ?? []), e.seq]);
      }
      expect(byCall.size).toBe(APPENDS_PER_WORKER);
      for (const seqs of byCall.values()) expect(seqs).toEqual(seqs.map((_, k) => (seqs[0] as number) + k));
    }
  }, 120_000);
});
