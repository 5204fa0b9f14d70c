import { expect } from 'vitest';
import type { Store } from '../../ports/store.js';
import { expectCode, messagesOf, progress, type StoreCase, settle } from './store-case-kit.js';
import { makeFoundationVersion, makeSession, makeTemplate } from './store-fixtures.js';

/** Every method of the port, called once on seeded data (`cl-1`, template `t-1`) with `opts`. */
function everyCall(store: Store, opts: { signal?: AbortSignal } = {}): Array<[string, () => Promise<unknown>]> {
  return [
    ['createSession', () => store.createSession(makeSession('cl-2'), opts)],
    ['getSession', () => store.getSession('cl-1', opts)],
    ['updateSession', () => store.updateSession('cl-1', { state: 'failed' }, opts)],
    ['listSessions', () => store.listSessions({}, opts)],
    ['appendEvents', () => store.appendEvents('cl-1', [progress('cl-1', 'x')], opts)],
    ['readEvents', () => store.readEvents('cl-1', opts)],
    ['searchLibrary', () => store.searchLibrary({ text: 'request' }, opts)],
    ['putTemplate', () => store.putTemplate(makeTemplate('t-2'), opts)],
    ['getTemplate', () => store.getTemplate('t-1', opts)],
    ['listTemplates', () => store.listTemplates(opts)],
    ['deleteTemplate', () => store.deleteTemplate('t-1', opts)],
    ['addFoundationVersion', () => store.addFoundationVersion(makeFoundationVersion('1.0'), opts)],
    ['listFoundationVersions', () => store.listFoundationVersions(opts)],
    ['analytics', () => store.analytics({}, opts)],
  ];
}

async function seed(store: Store): Promise<void> {
  await store.createSession(makeSession('cl-1'));
  await store.putTemplate(makeTemplate('t-1'));
}

/** What `seed` and nothing else leaves behind, read through the port. */
async function expectOnlySeed(store: Store, rule: string): Promise<void> {
  expect(
    (await store.listSessions()).map((s) => [s.id, s.state]),
    rule,
  ).toEqual([['cl-1', 'created']]);
  expect(await store.readEvents('cl-1'), rule).toEqual([]);
  expect(
    (await store.listTemplates()).map((t) => t.id),
    rule,
  ).toEqual(['t-1']);
  expect(await store.listFoundationVersions(), rule).toEqual([]);
}

/** Lifecycle: signals and close. */
export const lifecycleCases: StoreCase[] = [
  {
    group: 'lifecycle',
    name: 'every method rejects an aborted signal with the signal’s reason and changes nothing',
    async run({ store }) {
      await seed(store);
      const controller = new AbortController();
      const reason = new Error('stopped by the caller');
      controller.abort(reason);
      for (const [method, call] of everyCall(store, { signal: controller.signal })) {
        const outcome = await settle(call());
        expect(outcome.rejected, `${method} with an already aborted signal must reject; it resolved`).toBe(true);
        expect(
          outcome.error,
          `${method} with an aborted signal must reject with signal.reason itself (what signal.throwIfAborted() throws), not ${String(outcome.error)}`,
        ).toBe(reason);
      }
      await expectOnlySeed(store, 'a call with an aborted signal must change nothing');
    },
  },
  {
    group: 'lifecycle',
    name: 'every call after close fails with store.closed',
    async run({ store }) {
      await seed(store);
      await store.close();
      for (const [method, call] of everyCall(store)) {
        await expectCode(call(), 'store.closed', `${method} after close() must reject with store.closed`);
      }
    },
  },
  {
    group: 'lifecycle',
    name: 'a second close() is harmless',
    async run({ store }) {
      await store.close();
      const again = await settle(store.close());
      expect(again.rejected, `close() on a closed store must resolve, got ${String(again.error)}`).toBe(false);
      await expectCode(
        store.getSession('x'),
        'store.closed',
        'calls after a second close() still fail with store.closed',
      );
    },
  },
  {
    group: 'lifecycle',
    name: 'close() waits for calls in flight: each completes or fails with store.closed',
    async run({ store }) {
      await store.createSession(makeSession('fl-1'));
      const settled: boolean[] = [];
      const calls = Array.from({ length: 12 }, (_, i) => {
        const call: Promise<unknown> =
          i % 3 === 0
            ? store.appendEvents('fl-1', [progress('fl-1', `m${i}`)])
            : i % 3 === 1
              ? store.updateSession('fl-1', { summary: `s${i}` })
              : store.readEvents('fl-1');
        // Noted on the call's own promise, before close() is even called.
        call.then(
          () => {
            settled[i] = true;
          },
          () => {
            settled[i] = true;
          },
        );
        return settle(call);
      });
      await store.close();
      expect(
        settled.filter(Boolean).length,
        'close() must resolve only after every call already in flight has settled',
      ).toBe(calls.length);
      for (const [i, outcome] of (await Promise.all(calls)).entries()) {
        if (!outcome.rejected) continue;
        expect(
          (outcome.error as { code?: unknown }).code,
          `call ${i} in flight during close() must complete or reject with store.closed, got ${String(outcome.error)}`,
        ).toBe('store.closed');
      }
    },
  },
  {
    group: 'lifecycle',
    name: 'what was acknowledged survives close() and a reopen',
    async run({ store, reopen }) {
      if (!reopen) {
        throw new Error(
          'this case needs the fixture’s reopen(); a store that keeps nothing across close() skips it by name',
        );
      }
      await store.createSession(makeSession('du-1', { name: 'durable' }));
      await store.updateSession('du-1', { state: 'executing', summary: 'kept' });
      await store.appendEvents('du-1', [progress('du-1', 'a'), progress('du-1', 'b')]);
      await store.putTemplate(makeTemplate('t-du'));
      await store.addFoundationVersion(makeFoundationVersion('1.0'));
      const before = {
        session: await store.getSession('du-1'),
        events: await store.readEvents('du-1'),
        templates: await store.listTemplates(),
        versions: await store.listFoundationVersions(),
      };
      await store.close();
      const reopened = await reopen();
      try {
        const rule = 'every acknowledged write must be readable, unchanged, after close() and a reopen';
        expect(await reopened.getSession('du-1'), rule).toEqual(before.session);
        expect(await reopened.readEvents('du-1'), rule).toEqual(before.events);
        expect(await reopened.listTemplates(), rule).toEqual(before.templates);
        expect(await reopened.listFoundationVersions(), rule).toEqual(before.versions);
        expect(
          (await reopened.searchLibrary({ text: 'durable' })).map((h) => h.session.id),
          rule,
        ).toEqual(['du-1']);
        const next = await reopened.appendEvents('du-1', [progress('du-1', 'c')]);
        expect(
          next.map((e) => e.seq),
          'seqs continue after a reopen',
        ).toEqual([3]);
        expect(messagesOf(await reopened.readEvents('du-1'))).toEqual(['a', 'b', 'c']);
      } finally {
        await reopened.close();
      }
    },
  },
];
