import { afterEach, describe, expect, it } from 'vitest';
import { openFsStore } from '../src/index.js';
import { APPEND_WORKER, ackedSeqs, sessionOf, spawnTs, tempDir, waitForLine, watchChild } from './helpers.js';

const WORKERS = 4;
const APPENDS_PER_WORKER = 150;
const BATCH_SIZES = [1, 3, 2, 5];

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup) await fn();
  cleanup = [];
});

describe('several processes appending to one session', () => {
  it(`${WORKERS} real processes get exactly 1..N with no lost or doubled seq`, async () => {
    const { dir, remove } = await tempDir();
    cleanup.push(remove);
    const setup = await openFsStore({ dir });
    await setup.createSession(sessionOf('shared'));
    await setup.close();

    const workers = Array.from({ length: WORKERS }, (_, w) => {
      const child = spawnTs(APPEND_WORKER, [
        JSON.stringify({
          dir,
          sessionId: 'shared',
          workerId: `w${w}`,
          appends: APPENDS_PER_WORKER,
          batchSizes: BATCH_SIZES,
          waitForGo: true,
        }),
      ]);
      return { child, watch: watchChild(child) };
    });
    // Start every worker's appends together, once all have opened the store.
    await Promise.all(workers.map((w) => waitForLine(w.watch, 'ready')));
    for (const w of workers) w.child.stdin?.write('go\n');
    const exits = await Promise.all(workers.map((w) => w.watch.exited));
    exits.forEach((exit, w) => {
      expect(exit, workers[w]?.watch.stderr()).toEqual({ code: 0, signal: null });
    });

    const perWorker = Array.from(
      { length: APPENDS_PER_WORKER },
      (_, i) => BATCH_SIZES[i % BATCH_SIZES.length] ?? 1,
    ).reduce((a, b) => a + b, 0);
    const total = WORKERS * perWorker;
    const store = await openFsStore({ dir });
    const events = await store.readEvents('shared');
    await store.close();

    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // Every acknowledged seq is unique across workers and holds that worker's event.
    const acked = workers.flatMap((w) => ackedSeqs(w.watch.lines));
    expect(new Set(acked).size).toBe(total);
    workers.forEach((w, i) => {
      const mine = events.filter((e) => e.type === 'executor.progress' && e.message.startsWith(`w${i}:`));
      expect(mine.map((e) => e.seq).sort((a, b) => a - b)).toEqual(ackedSeqs(w.watch.lines).sort((a, b) => a - b));
      expect(mine).toHaveLength(perWorker);
      // Each batch stays contiguous: events i:0..k of one call have consecutive seqs.
      const byCall = new Map<string, number[]>();
      for (const e of mine) {
        const call = e.type === 'executor.progress' ? e.message.split(':').slice(0, 2).join(':') : '';
        byCall.set(call, [...(byCall.get(call) ?? []), e.seq]);
      }
      for (const seqs of byCall.values()) expect(seqs).toEqual(seqs.map((_, k) => (seqs[0] as number) + k));
    });
  }, 120_000);
});
