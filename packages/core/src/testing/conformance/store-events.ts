import { expect } from 'vitest';
import type { NewSessionEvent } from '../../model/events.js';
import { expectCode, messagesOf, progress, type StoreCase, settle } from './store-case-kit.js';
import { makeSession, oneEventOfEachType } from './store-fixtures.js';

/** An ISO-8601 UTC timestamp as `Date.prototype.toISOString` writes it (fraction optional). */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Events: appendEvents and readEvents. */
export const eventCases: StoreCase[] = [
  {
    group: 'events',
    name: 'appendEvents assigns seq 1..n and sets at',
    async run({ store }) {
      await store.createSession(makeSession('e-1'));
      const before = Date.now();
      const stored = await store.appendEvents('e-1', [
        progress('e-1', 'a'),
        progress('e-1', 'b'),
        progress('e-1', 'c'),
      ]);
      expect(
        stored.map((e) => e.seq),
        'the port requires: appendEvents assigns seq 1..n and sets at (checking stored.map((e) => e.seq))',
      ).toEqual([1, 2, 3]);
      expect(
        messagesOf(stored),
        'the port requires: appendEvents assigns seq 1..n and sets at (checking messagesOf(stored))',
      ).toEqual(['a', 'b', 'c']);
      for (const event of stored) {
        expect(
          event.sessionId,
          'the port requires: appendEvents assigns seq 1..n and sets at (checking event.sessionId)',
        ).toBe('e-1');
        // `at` is an ISO-8601 UTC instant taken while appending (a minute of slack for coarse clocks).
        expect(event.at, 'appendEvents must set `at` to an ISO-8601 UTC time like 2026-03-02T09:00:00.000Z').toMatch(
          ISO_UTC,
        );
        expect(
          Date.parse(event.at),
          'the port requires: appendEvents assigns seq 1..n and sets at (checking Date.parse(event.at))',
        ).toBeGreaterThanOrEqual(before - 60_000);
      }
      expect(
        (await store.readEvents('e-1')).map((e) => e.at),
        'readEvents must return the `at` that appendEvents returned',
      ).toEqual(stored.map((e) => e.at));
    },
  },
  {
    group: 'events',
    name: 'appendEvents continues the sequence across calls without gaps',
    async run({ store }) {
      await store.createSession(makeSession('e-2'));
      await store.appendEvents('e-2', [progress('e-2', 'a')]);
      const second = await store.appendEvents('e-2', [progress('e-2', 'b'), progress('e-2', 'c')]);
      expect(
        second.map((e) => e.seq),
        'the port requires: appendEvents continues the sequence across calls without gaps (checking second.map((e) => e.seq))',
      ).toEqual([2, 3]);
      expect(
        await store.appendEvents('e-2', []),
        "the port requires: appendEvents continues the sequence across calls without gaps (checking await store.appendEvents('e-2', []))",
      ).toEqual([]);
      const third = await store.appendEvents('e-2', [progress('e-2', 'd')]);
      expect(
        third.map((e) => e.seq),
        'the port requires: appendEvents continues the sequence across calls without gaps (checking third.map((e) => e.seq))',
      ).toEqual([4]);
      const all = await store.readEvents('e-2');
      expect(
        all.map((e) => e.seq),
        'the port requires: appendEvents continues the sequence across calls without gaps (checking all.map((e) => e.seq))',
      ).toEqual([1, 2, 3, 4]);
      expect(
        messagesOf(all),
        'the port requires: appendEvents continues the sequence across calls without gaps (checking messagesOf(all))',
      ).toEqual(['a', 'b', 'c', 'd']);
    },
  },
  {
    group: 'events',
    name: 'every event type round-trips unchanged',
    async run({ store }) {
      await store.createSession(makeSession('e-3'));
      const events = oneEventOfEachType('e-3');
      const stored = await store.appendEvents('e-3', events);
      expect(stored, 'the port requires: every event type round-trips unchanged (checking stored)').toEqual(
        events.map((e, i) => ({ ...e, seq: i + 1, at: stored[i]?.at })),
      );
      expect(
        await store.readEvents('e-3'),
        "the port requires: every event type round-trips unchanged (checking await store.readEvents('e-3'))",
      ).toEqual(stored);
    },
  },
  {
    group: 'events',
    name: 'appendEvents to an unknown session fails with store.not_found',
    async run({ store }) {
      await expectCode(store.appendEvents('missing', [progress('missing', 'a')]), 'store.not_found');
    },
  },
  {
    group: 'events',
    name: 'readEvents reads from fromSeq with limit',
    async run({ store }) {
      await store.createSession(makeSession('e-4'));
      await store.appendEvents(
        'e-4',
        ['a', 'b', 'c', 'd', 'e'].map((m) => progress('e-4', m)),
      );
      expect(
        messagesOf(await store.readEvents('e-4', { fromSeq: 3 })),
        "the port requires: readEvents reads from fromSeq with limit (checking messagesOf(await store.readEvents('e-4', { fromSeq: 3 })))",
      ).toEqual(['c', 'd', 'e']);
      expect(
        messagesOf(await store.readEvents('e-4', { fromSeq: 2, limit: 2 })),
        "the port requires: readEvents reads from fromSeq with limit (checking messagesOf(await store.readEvents('e-4', { fromSeq: 2, limit: 2 })))",
      ).toEqual(['b', 'c']);
      expect(
        messagesOf(await store.readEvents('e-4', { limit: 1 })),
        "the port requires: readEvents reads from fromSeq with limit (checking messagesOf(await store.readEvents('e-4', { limit: 1 })))",
      ).toEqual(['a']);
      expect(
        (await store.readEvents('e-4', { fromSeq: 5 })).map((e) => e.seq),
        "the port requires: readEvents reads from fromSeq with limit (checking (await store.readEvents('e-4', { fromSeq: 5 })).map((e) => e.seq))",
      ).toEqual([5]);
      expect(
        await store.readEvents('e-4', { fromSeq: 6 }),
        "the port requires: readEvents reads from fromSeq with limit (checking await store.readEvents('e-4', { fromSeq: 6 }))",
      ).toEqual([]);
    },
  },
  {
    group: 'events',
    name: 'readEvents of a session without events returns an empty list',
    async run({ store }) {
      await store.createSession(makeSession('e-5'));
      expect(
        await store.readEvents('e-5'),
        "the port requires: readEvents of a session without events returns an empty list (checking await store.readEvents('e-5'))",
      ).toEqual([]);
    },
  },
  {
    group: 'events',
    name: 'each session has its own sequence',
    async run({ store }) {
      await store.createSession(makeSession('e-6a'));
      await store.createSession(makeSession('e-6b'));
      await store.appendEvents('e-6a', [progress('e-6a', 'a1'), progress('e-6a', 'a2')]);
      const b = await store.appendEvents('e-6b', [progress('e-6b', 'b1')]);
      await store.appendEvents('e-6a', [progress('e-6a', 'a3')]);
      expect(
        b.map((e) => e.seq),
        'the port requires: each session has its own sequence (checking b.map((e) => e.seq))',
      ).toEqual([1]);
      expect(
        messagesOf(await store.readEvents('e-6a')),
        "the port requires: each session has its own sequence (checking messagesOf(await store.readEvents('e-6a')))",
      ).toEqual(['a1', 'a2', 'a3']);
      expect(
        (await store.readEvents('e-6b')).map((e) => [e.seq, e.sessionId]),
        "the port requires: each session has its own sequence (checking (await store.readEvents('e-6b')).map((e) => [e.seq, e.sessionId]))",
      ).toEqual([[1, 'e-6b']]);
    },
  },
  {
    group: 'events',
    name: 'stored events are not shared with callers',
    async run({ store }) {
      await store.createSession(makeSession('e-7'));
      const list = [1];
      const event: NewSessionEvent = {
        type: 'executor.progress',
        sessionId: 'e-7',
        kind: 'tool_call',
        message: 'x',
        data: { list },
      };
      const stored = await store.appendEvents('e-7', [event]);
      list.push(2);
      const first = stored[0];
      const storedList = first?.type === 'executor.progress' ? first.data?.list : undefined;
      if (Array.isArray(storedList)) storedList.push(3);
      const read = await store.readEvents('e-7');
      expect(read[0], 'the port requires: stored events are not shared with callers (checking read[0])').toMatchObject({
        data: { list: [1] },
      });
    },
  },
  {
    group: 'events',
    name: '20 concurrent appendEvents calls give 1..N with each batch contiguous',
    async run({ store }) {
      await store.createSession(makeSession('e-8'));
      const batches = Array.from({ length: 20 }, (_, b) =>
        Array.from({ length: 2 + (b % 4) }, (_, i) => progress('e-8', `batch-${b}-${i}`)),
      );
      const results = await Promise.all(batches.map((batch) => store.appendEvents('e-8', batch)));
      const total = batches.reduce((n, batch) => n + batch.length, 0);
      const all = await store.readEvents('e-8');
      expect(
        all.map((e) => e.seq),
        'the port requires: 20 concurrent appendEvents calls give 1..N with each batch contiguous (checking all.map((e) => e.seq))',
      ).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      results.forEach((stored, b) => {
        const seqs = stored.map((e) => e.seq);
        expect(
          messagesOf(stored),
          'the port requires: 20 concurrent appendEvents calls give 1..N with each batch contiguous (checking messagesOf(stored))',
        ).toEqual(batches[b]?.map((e) => (e.type === 'executor.progress' ? e.message : '')));
        // Contiguous: seq k, k+1, ..., and the log holds the batch at exactly those places.
        expect(
          seqs,
          'the port requires: 20 concurrent appendEvents calls give 1..N with each batch contiguous (checking seqs)',
        ).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));
        expect(
          all.slice((seqs[0] as number) - 1, (seqs[0] as number) - 1 + seqs.length),
          'the port requires: 20 concurrent appendEvents calls give 1..N with each batch contiguous',
        ).toEqual(stored);
      });
    },
  },
  {
    group: 'events',
    name: 'concurrent appends to several sessions keep each sequence gap-free',
    async run({ store }) {
      const sessionIds = ['e-9a', 'e-9b', 'e-9c'];
      for (const id of sessionIds) await store.createSession(makeSession(id));
      const calls = Array.from({ length: 24 }, (_, i) => {
        const id = sessionIds[i % 3] as string;
        return store.appendEvents(id, [progress(id, `${i}-a`), progress(id, `${i}-b`)]);
      });
      await Promise.all(calls);
      for (const id of sessionIds) {
        const events = await store.readEvents(id);
        expect(
          events.map((e) => e.seq),
          'the port requires: concurrent appends to several sessions keep each sequence gap-free (checking events.map((e) => e.seq))',
        ).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
        expect(
          events.every((e) => e.sessionId === id),
          'the port requires: concurrent appends to several sessions keep each sequence gap-free (checking events.every((e) => e.sessionId === id))',
        ).toBe(true);
        // Each call's pair stays together: ...-a directly followed by its ...-b.
        const messages = messagesOf(events);
        for (let i = 0; i < messages.length; i += 2) {
          expect(
            messages[i + 1],
            'the port requires: concurrent appends to several sessions keep each sequence gap-free (checking messages[i + 1])',
          ).toBe((messages[i] as string).replace(/-a$/, '-b'));
        }
      }
    },
  },
  {
    group: 'events',
    name: 'appendEvents with expectedSeq appends only at that seq, else store.conflict and nothing written',
    async run({ store }) {
      await store.createSession(makeSession('cas-1'));
      const first = await store.appendEvents('cas-1', [progress('cas-1', 'a')], { expectedSeq: 0 });
      expect(
        first.map((e) => e.seq),
        'expectedSeq 0 on a session without events must append at seq 1',
      ).toEqual([1]);
      for (const stale of [0, 2, 7]) {
        await expectCode(
          store.appendEvents('cas-1', [progress('cas-1', `stale ${stale}`)], { expectedSeq: stale }),
          'store.conflict',
          `appendEvents with expectedSeq ${stale} when the last seq is 1 must reject with store.conflict`,
        );
      }
      expect(messagesOf(await store.readEvents('cas-1')), 'a refused conditional append must write nothing').toEqual([
        'a',
      ]);
      const second = await store.appendEvents('cas-1', [progress('cas-1', 'b'), progress('cas-1', 'c')], {
        expectedSeq: 1,
      });
      expect(
        second.map((e) => e.seq),
        'a matching expectedSeq appends right after it',
      ).toEqual([2, 3]);
      const unconditional = await store.appendEvents('cas-1', [progress('cas-1', 'd')]);
      expect(
        unconditional.map((e) => e.seq),
        'the port requires: appendEvents with expectedSeq appends only at that seq, else store.conflict and nothing written (checking unconditional.map((e) => e.seq))',
      ).toEqual([4]);
      await expectCode(
        store.appendEvents('missing', [progress('missing', 'x')], { expectedSeq: 0 }),
        'store.not_found',
        'a conditional append to an unknown session must reject with store.not_found',
      );
    },
  },
  {
    group: 'events',
    name: 'concurrent conditional appends with one expectedSeq: exactly one wins',
    async run({ store }) {
      await store.createSession(makeSession('cas-2'));
      await store.appendEvents('cas-2', [progress('cas-2', 'a'), progress('cas-2', 'b')]);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          settle(
            store.appendEvents('cas-2', [progress('cas-2', `racer ${i}`), progress('cas-2', `racer ${i} again`)], {
              expectedSeq: 2,
            }),
          ),
        ),
      );
      const winners = outcomes.flatMap((o, i) => (o.rejected ? [] : [i]));
      expect(winners, 'of concurrent appends with the same expectedSeq exactly one must succeed').toHaveLength(1);
      for (const o of outcomes) {
        if (o.rejected) {
          expect((o.error as { code?: unknown }).code, 'the losers must reject with store.conflict').toBe(
            'store.conflict',
          );
        }
      }
      const winner = winners[0] as number;
      expect(messagesOf(await store.readEvents('cas-2')), 'the log holds the winner’s batch and nothing else').toEqual([
        'a',
        'b',
        `racer ${winner}`,
        `racer ${winner} again`,
      ]);
    },
  },
  {
    group: 'events',
    name: 'readEvents of an unknown session returns an empty list',
    async run({ store }) {
      expect(await store.readEvents('never-created'), 'readEvents of an unknown session must return []').toEqual([]);
    },
  },
  {
    group: 'events',
    name: 'an empty batch to an unknown session fails with store.not_found',
    async run({ store }) {
      await expectCode(
        store.appendEvents('never-created', []),
        'store.not_found',
        'appendEvents to an unknown session must reject with store.not_found even for an empty batch',
      );
    },
  },
  {
    group: 'events',
    name: 'readEvents refuses a fromSeq or limit that is not an integer with store.invalid_value',
    async run({ store }) {
      await store.createSession(makeSession('rng'));
      await store.appendEvents('rng', [progress('rng', 'a'), progress('rng', 'b')]);
      const bad: Array<{ fromSeq?: number; limit?: number }> = [
        { fromSeq: Number.NaN },
        { fromSeq: 1.5 },
        { fromSeq: Number.POSITIVE_INFINITY },
        { limit: Number.NaN },
        { limit: 0.5 },
        { limit: -1 },
      ];
      for (const range of bad) {
        await expectCode(
          store.readEvents('rng', range),
          'store.invalid_value',
          `readEvents(${JSON.stringify(range, (_, v) => (typeof v === 'number' ? String(v) : v))}) must reject with store.invalid_value`,
        );
      }
      expect(messagesOf(await store.readEvents('rng', { fromSeq: 0 })), 'fromSeq below 1 reads from seq 1').toEqual([
        'a',
        'b',
      ]);
      expect(
        await store.readEvents('rng', { limit: 0 }),
        "the port requires: readEvents refuses a fromSeq or limit that is not an integer with store.invalid_value (checking await store.readEvents('rng', { limit: 0 }))",
      ).toEqual([]);
    },
  },
];
