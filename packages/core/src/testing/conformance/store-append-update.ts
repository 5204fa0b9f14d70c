import { expect } from 'vitest';
import type { Session } from '../../model/session.js';
import type { AppendAndUpdateResult, Store } from '../../ports/store.js';
import { expectCode, messagesOf, progress, type StoreCase, type StoreCaseContext, settle } from './store-case-kit.js';
import { makeSession } from './store-fixtures.js';

/** The store's optional `appendEventsAndUpdate`, bound; a store without it skips the case (or fails it when run by hand). */
function appendAndUpdate({ store, skip }: StoreCaseContext): NonNullable<Store['appendEventsAndUpdate']> {
  const method = store.appendEventsAndUpdate;
  if (typeof method === 'function') return method.bind(store);
  const note = 'the store has no appendEventsAndUpdate (optional: callers fall back to appendEvents + updateSession)';
  if (skip) skip(note);
  throw new Error(note);
}

/** A session with one event (seq 1) already in its log, and the record read back. */
async function seeded(store: Store, id: string): Promise<Session | undefined> {
  await store.createSession(makeSession(id, { name: `name of ${id}` }));
  await store.appendEvents(id, [progress(id, 'first')]);
  return store.getSession(id);
}

/** The bound `appendEventsAndUpdate` (skipping the case without it), the store, and session `id` {@link seeded}. */
async function seededFor(ctx: StoreCaseContext, id: string) {
  const call = appendAndUpdate(ctx);
  const before = await seeded(ctx.store, id);
  return { call, store: ctx.store, before };
}

/** Expects the session's record and log to be exactly what `seeded` left. */
async function expectUntouched(store: Store, id: string, before: Session | undefined, rule: string): Promise<void> {
  expect(await store.getSession(id), `${rule}: the session record must be unchanged`).toEqual(before);
  expect(messagesOf(await store.readEvents(id)), `${rule}: no event may be appended`).toEqual(['first']);
}

/** The optional capability `appendEventsAndUpdate`: the append and the record patch in one transaction. */
export const appendUpdateCases: StoreCase[] = [
  {
    group: 'append and update',
    name: 'appendEventsAndUpdate appends the events and applies the patch',
    async run(ctx) {
      const { call, store } = await seededFor(ctx, 'au-1');
      const result = await call(
        'au-1',
        [progress('au-1', 'a'), progress('au-1', 'b')],
        { state: 'executing', summary: 'half way', fixAttempts: 1 },
        { expectedSeq: 1 },
      );
      const rule = 'appendEventsAndUpdate must append the events as appendEvents does';
      expect(
        result.events.map((e) => e.seq),
        `${rule}: seqs continue from the log's end`,
      ).toEqual([2, 3]);
      expect(messagesOf(result.events), rule).toEqual(['a', 'b']);
      expect((await store.readEvents('au-1')).slice(1), `${rule}: readEvents returns what it returned`).toEqual(
        result.events,
      );
      const stored = await store.getSession('au-1');
      expect(
        [stored?.state, stored?.summary, stored?.fixAttempts, stored?.name],
        'appendEventsAndUpdate must apply the patch as updateSession does (fields outside the patch kept)',
      ).toEqual(['executing', 'half way', 1, 'name of au-1']);
      expect(result.session, 'the session appendEventsAndUpdate returns must equal what getSession returns').toEqual(
        stored,
      );
    },
  },
  {
    group: 'append and update',
    name: 'appendEventsAndUpdate returns the record getSession returns, a field patched to undefined cleared',
    async run(ctx) {
      const call = appendAndUpdate(ctx);
      const { store } = ctx;
      await store.createSession(makeSession('au-2', { error: { code: 'x.y', message: 'earlier' } }));
      const result = await call('au-2', [progress('au-2', 'a')], { error: undefined, state: 'planning' });
      const stored = await store.getSession('au-2');
      expect('error' in (stored ?? {}), 'a field patched to undefined must be cleared, as updateSession does').toBe(
        false,
      );
      expect(result.session, 'the session appendEventsAndUpdate returns must equal what getSession returns').toEqual(
        stored,
      );
      expect(
        result.events.map((e) => [e.seq, e.sessionId]),
        'without expectedSeq the append is unconditional',
      ).toEqual([[1, 'au-2']]);
    },
  },
  {
    group: 'append and update',
    name: 'appendEventsAndUpdate with a stale expectedSeq fails with store.conflict and applies neither',
    async run(ctx) {
      const { call, store, before } = await seededFor(ctx, 'au-3');
      for (const expectedSeq of [0, 2]) {
        const rule = `appendEventsAndUpdate with expectedSeq ${expectedSeq} when the log ends at 1`;
        await expectCode(
          call('au-3', [progress('au-3', 'lost')], { state: 'failed', summary: 'lost' }, { expectedSeq }),
          'store.conflict',
          `${rule} must reject with store.conflict`,
        );
        await expectUntouched(store, 'au-3', before, rule);
      }
    },
  },
  {
    group: 'append and update',
    name: 'appendEventsAndUpdate with an empty batch applies the patch, still conditional',
    async run(ctx) {
      const { call, store, before } = await seededFor(ctx, 'au-4');
      await expectCode(
        call('au-4', [], { summary: 'stale' }, { expectedSeq: 0 }),
        'store.conflict',
        'an empty batch with a stale expectedSeq must reject with store.conflict',
      );
      await expectUntouched(store, 'au-4', before, 'an empty batch with a stale expectedSeq');
      const result = await call('au-4', [], { summary: 'current' }, { expectedSeq: 1 });
      expect(result.events, 'an empty batch appends nothing').toEqual([]);
      expect(
        (await store.getSession('au-4'))?.summary,
        'an empty batch with a current expectedSeq applies the patch',
      ).toBe('current');
    },
  },
  {
    group: 'append and update',
    name: 'appendEventsAndUpdate with an aborted signal rejects with its reason and applies neither',
    async run(ctx) {
      const { call, store, before } = await seededFor(ctx, 'au-5');
      const controller = new AbortController();
      const reason = new Error('stopped by the caller');
      controller.abort(reason);
      const outcome = await settle(
        call('au-5', [progress('au-5', 'lost')], { summary: 'lost' }, { expectedSeq: 1, signal: controller.signal }),
      );
      expect(outcome.rejected, 'appendEventsAndUpdate with an aborted signal must reject; it resolved').toBe(true);
      expect(outcome.error, 'it must reject with signal.reason itself').toBe(reason);
      await expectUntouched(store, 'au-5', before, 'appendEventsAndUpdate with an aborted signal');
    },
  },
  {
    group: 'append and update',
    name: 'appendEventsAndUpdate with a value that is not JSON data fails with store.invalid_value and applies neither',
    async run(ctx) {
      const { call, store, before } = await seededFor(ctx, 'au-6');
      await expectCode(
        call(
          'au-6',
          [progress('au-6', 'lost')],
          { summary: 'x', usage: { inputTokens: 1n } as never },
          { expectedSeq: 1 },
        ),
        'store.invalid_value',
        'appendEventsAndUpdate with a BigInt in the patch must reject with store.invalid_value',
      );
      await expectUntouched(store, 'au-6', before, 'a patch that cannot be stored');
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await expectCode(
        call(
          'au-6',
          [{ type: 'executor.progress', sessionId: 'au-6', kind: 'output', message: 'lost', data: cyclic }],
          { summary: 'lost' },
          { expectedSeq: 1 },
        ),
        'store.invalid_value',
        'appendEventsAndUpdate with a cycle in an event must reject with store.invalid_value',
      );
      await expectUntouched(store, 'au-6', before, 'an event that cannot be stored');
    },
  },
  {
    group: 'append and update',
    name: 'appendEventsAndUpdate of an unknown session fails with store.not_found',
    async run(ctx) {
      const call = appendAndUpdate(ctx);
      await expectCode(call('missing', [progress('missing', 'a')], { summary: 'x' }), 'store.not_found');
      expect(await ctx.store.getSession('missing'), 'nothing may be created for an unknown session').toBeUndefined();
    },
  },
  {
    group: 'append and update',
    name: 'concurrent appendEventsAndUpdate calls with one expectedSeq: exactly one applies, both parts',
    async run(ctx) {
      const { call, store } = await seededFor(ctx, 'au-7');
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          settle(call('au-7', [progress('au-7', `racer ${i}`)], { summary: `racer ${i}` }, { expectedSeq: 1 })),
        ),
      );
      const winners = outcomes.flatMap((o, i) => (o.rejected ? [] : [i]));
      expect(winners.length, 'exactly one of several calls with the same expectedSeq may succeed').toBe(1);
      for (const loser of outcomes.filter((o) => o.rejected)) {
        expect((loser.error as { code?: unknown }).code, 'every other call must fail with store.conflict').toBe(
          'store.conflict',
        );
      }
      const winner = outcomes[winners[0] ?? -1]?.value as AppendAndUpdateResult;
      const stored = await store.getSession('au-7');
      expect(
        [messagesOf(await store.readEvents('au-7')), stored?.summary],
        'the log and the record must both hold the winner’s write and nothing of the others',
      ).toEqual([['first', `racer ${winners[0]}`], `racer ${winners[0]}`]);
      expect(winner.session, 'the winner’s returned session must equal what getSession returns').toEqual(stored);
    },
  },
];
