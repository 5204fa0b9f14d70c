import { expect } from 'vitest';
import type { Session } from '../../model/session.js';
import type { Store } from '../../ports/store.js';
import { expectCode, ids, type StoreCase } from './store-case-kit.js';
import { isoAt, isoDay, makeFoundationVersion, makeSession, makeTemplate, usageOf } from './store-fixtures.js';

/** Seeds sessions a..e with distinct times, states, templates and tags for filter cases. */
async function seedFilterSessions(store: Store): Promise<Session[]> {
  const sessions = [
    makeSession('f-a', { state: 'succeeded', createdAt: isoDay(0), templateId: 'tpl-1', tags: ['api', 'fast'] }),
    makeSession('f-b', { state: 'failed', createdAt: isoDay(1), templateId: 'tpl-2', tags: ['api'] }),
    makeSession('f-c', { state: 'executing', createdAt: isoDay(2), tags: ['docs'] }),
    makeSession('f-d', {
      state: 'succeeded',
      createdAt: isoDay(3),
      templateId: 'tpl-1',
      tags: ['docs', 'api', 'fast'],
    }),
    makeSession('f-e', { state: 'cancelled', createdAt: isoDay(4), templateId: 'tpl-2', tags: [] }),
  ];
  // Created out of time order so insertion order cannot pass for time order.
  for (const i of [2, 0, 4, 1, 3]) await store.createSession(sessions[i] as Session);
  return sessions;
}

/** Sessions: create, get, update, list and its filters. */
export const sessionCases: StoreCase[] = [
  {
    group: 'sessions',
    name: 'createSession then getSession returns an equal session',
    async run({ store }) {
      const session = makeSession('s-1', {
        name: 'Add login',
        version: '1.0',
        instruction: '# Add login\n\nIt\'s "quoted" — ünïcode ✓; DROP TABLE sessions;--\n',
        summary: 'done',
        templateId: 'tpl-x',
        tags: ['auth', 'web'],
        usage: usageOf(10, 20, 0.5, 3, 4),
        fixAttempts: 2,
        error: { code: 'x.y', message: 'oops' },
        input: {
          kind: 'issue',
          issue: { host: 'github', repo: 'o/r', number: 3, title: 't', body: 'b', labels: ['bug'] },
        },
      });
      await store.createSession(session);
      expect(
        await store.getSession('s-1'),
        "the port requires: Add login (checking await store.getSession('s-1'))",
      ).toEqual(session);
    },
  },
  {
    group: 'sessions',
    name: 'getSession of an unknown id returns undefined',
    async run({ store }) {
      expect(
        await store.getSession('missing'),
        "the port requires: getSession of an unknown id returns undefined (checking await store.getSession('missing'))",
      ).toBeUndefined();
    },
  },
  {
    group: 'sessions',
    name: 'createSession with an existing id fails with store.conflict and keeps the first',
    async run({ store }) {
      const first = makeSession('dup', { name: 'first' });
      await store.createSession(first);
      await expectCode(store.createSession(makeSession('dup', { name: 'second' })), 'store.conflict');
      expect(
        await store.getSession('dup'),
        "the port requires: second (checking await store.getSession('dup'))",
      ).toEqual(first);
    },
  },
  {
    group: 'sessions',
    name: 'concurrent createSession calls with one id: exactly one wins',
    async run({ store }) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => store.createSession(makeSession('race', { name: `racer ${i}` }))),
      );
      const winners = outcomes.filter((o) => o.status === 'fulfilled');
      expect(
        winners,
        'the port requires: concurrent createSession calls with one id: exactly one wins (checking winners)',
      ).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === 'rejected')
          expect(
            (o.reason as { code?: unknown }).code,
            'the port requires: concurrent createSession calls with one id: exactly one wins (checking (o.reason as { code?: unknown }).code)',
          ).toBe('store.conflict');
      }
      const stored = await store.getSession('race');
      const winner = outcomes.findIndex((o) => o.status === 'fulfilled');
      expect(
        stored?.name,
        'the port requires: concurrent createSession calls with one id: exactly one wins (checking stored?.name)',
      ).toBe(`racer ${winner}`);
      expect(
        await store.listSessions(),
        'the port requires: concurrent createSession calls with one id: exactly one wins (checking await store.listSessions())',
      ).toHaveLength(1);
    },
  },
  {
    group: 'sessions',
    name: 'updateSession applies a shallow patch and returns the new session',
    async run({ store }) {
      const session = makeSession('u-1', { tags: ['a'], name: 'before' });
      await store.createSession(session);
      const patch = {
        state: 'executing' as const,
        updatedAt: isoAt(5),
        name: 'after',
        usage: usageOf(1, 2, 0.25),
        tags: ['b', 'c'],
      };
      const updated = await store.updateSession('u-1', patch);
      const expected = { ...session, ...patch };
      expect(updated, 'the port requires: after (checking updated)').toEqual(expected);
      expect(
        await store.getSession('u-1'),
        "the port requires: after (checking await store.getSession('u-1'))",
      ).toEqual(expected);
    },
  },
  {
    group: 'sessions',
    name: 'updateSession with an optional field set to undefined clears it',
    async run({ store }) {
      // The engine clears a paused session's error this way when it resumes.
      await store.createSession(makeSession('u-2', { error: { code: 'provider.overloaded', message: 'busy' } }));
      const updated = await store.updateSession('u-2', { error: undefined, state: 'executing' });
      expect(
        updated.error,
        'the port requires: updateSession with an optional field set to undefined clears it (checking updated.error)',
      ).toBeUndefined();
      expect(
        'error' in updated,
        "the port requires: updateSession with an optional field set to undefined clears it (checking 'error' in updated)",
      ).toBe(false);
      const stored = await store.getSession('u-2');
      expect(
        stored?.error,
        'the port requires: updateSession with an optional field set to undefined clears it (checking stored?.error)',
      ).toBeUndefined();
      expect(
        stored?.state,
        'the port requires: updateSession with an optional field set to undefined clears it (checking stored?.state)',
      ).toBe('executing');
    },
  },
  {
    group: 'sessions',
    name: 'updateSession of an unknown id fails with store.not_found',
    async run({ store }) {
      await expectCode(store.updateSession('missing', { state: 'failed' }), 'store.not_found');
    },
  },
  {
    group: 'sessions',
    name: 'stored sessions are not shared with callers',
    async run({ store }) {
      const session = makeSession('c-1', { tags: ['x'] });
      await store.createSession(session);
      session.tags.push('mutated-after-create');
      const read = await store.getSession('c-1');
      read?.tags.push('mutated-after-get');
      const listed = await store.listSessions();
      listed[0]?.tags.push('mutated-after-list');
      expect(
        (await store.getSession('c-1'))?.tags,
        "the port requires: stored sessions are not shared with callers (checking (await store.getSession('c-1'))?.tags)",
      ).toEqual(['x']);
    },
  },
  {
    group: 'sessions',
    name: 'listSessions returns every session newest createdAt first',
    async run({ store }) {
      await seedFilterSessions(store);
      expect(
        ids(await store.listSessions()),
        'the port requires: listSessions returns every session newest createdAt first (checking ids(await store.listSessions()))',
      ).toEqual(['f-e', 'f-d', 'f-c', 'f-b', 'f-a']);
      expect(
        ids(await store.listSessions({})),
        'the port requires: listSessions returns every session newest createdAt first (checking ids(await store.listSessions({})))',
      ).toEqual(['f-e', 'f-d', 'f-c', 'f-b', 'f-a']);
    },
  },
  {
    group: 'sessions',
    name: 'listSessions filters by one state or any of several',
    async run({ store }) {
      await seedFilterSessions(store);
      expect(
        ids(await store.listSessions({ state: 'succeeded' })),
        "the port requires: listSessions filters by one state or any of several (checking ids(await store.listSessions({ state: 'succeeded' })))",
      ).toEqual(['f-d', 'f-a']);
      expect(
        ids(await store.listSessions({ state: ['failed', 'cancelled'] })),
        "the port requires: listSessions filters by one state or any of several (checking ids(await store.listSessions({ state: ['failed', 'cancelled'] })))",
      ).toEqual(['f-e', 'f-b']);
      expect(
        await store.listSessions({ state: 'planning' }),
        "the port requires: listSessions filters by one state or any of several (checking await store.listSessions({ state: 'planning' }))",
      ).toEqual([]);
    },
  },
  {
    group: 'sessions',
    name: 'listSessions filters by templateId',
    async run({ store }) {
      await seedFilterSessions(store);
      expect(
        ids(await store.listSessions({ templateId: 'tpl-2' })),
        "the port requires: listSessions filters by templateId (checking ids(await store.listSessions({ templateId: 'tpl-2' })))",
      ).toEqual(['f-e', 'f-b']);
      expect(
        await store.listSessions({ templateId: 'tpl-none' }),
        "the port requires: listSessions filters by templateId (checking await store.listSessions({ templateId: 'tpl-none' }))",
      ).toEqual([]);
    },
  },
  {
    group: 'sessions',
    name: 'listSessions filters by tags, every tag present',
    async run({ store }) {
      await seedFilterSessions(store);
      expect(
        ids(await store.listSessions({ tags: ['api'] })),
        "the port requires: listSessions filters by tags, every tag present (checking ids(await store.listSessions({ tags: ['api'] })))",
      ).toEqual(['f-d', 'f-b', 'f-a']);
      expect(
        ids(await store.listSessions({ tags: ['api', 'fast'] })),
        "the port requires: listSessions filters by tags, every tag present (checking ids(await store.listSessions({ tags: ['api', 'fast'] })))",
      ).toEqual(['f-d', 'f-a']);
      expect(
        ids(await store.listSessions({ tags: ['docs', 'fast'] })),
        "the port requires: listSessions filters by tags, every tag present (checking ids(await store.listSessions({ tags: ['docs', 'fast'] })))",
      ).toEqual(['f-d']);
      expect(
        await store.listSessions({ tags: ['nope'] }),
        "the port requires: listSessions filters by tags, every tag present (checking await store.listSessions({ tags: ['nope'] }))",
      ).toEqual([]);
    },
  },
  {
    group: 'sessions',
    name: 'listSessions filters by since (inclusive) and until (exclusive)',
    async run({ store }) {
      await seedFilterSessions(store);
      expect(
        ids(await store.listSessions({ since: isoDay(3) })),
        'the port requires: listSessions filters by since (inclusive) and until (exclusive) (checking ids(await store.listSessions({ since: isoDay(3) })))',
      ).toEqual(['f-e', 'f-d']);
      expect(
        ids(await store.listSessions({ until: isoDay(1) })),
        'the port requires: listSessions filters by since (inclusive) and until (exclusive) (checking ids(await store.listSessions({ until: isoDay(1) })))',
      ).toEqual(['f-a']);
      expect(
        ids(await store.listSessions({ since: isoDay(1), until: isoDay(3) })),
        'the port requires: listSessions filters by since (inclusive) and until (exclusive)',
      ).toEqual(['f-c', 'f-b']);
      expect(
        ids(await store.listSessions({ since: isoDay(1, 1), until: isoDay(2, 1) })),
        'the port requires: listSessions filters by since (inclusive) and until (exclusive)',
      ).toEqual(['f-c']);
    },
  },
  {
    group: 'sessions',
    name: 'listSessions combines every filter',
    async run({ store }) {
      await seedFilterSessions(store);
      const filter = {
        state: 'succeeded' as const,
        templateId: 'tpl-1',
        tags: ['fast'],
        since: isoDay(1),
        until: isoDay(5),
      };
      expect(
        ids(await store.listSessions(filter)),
        'the port requires: listSessions combines every filter (checking ids(await store.listSessions(filter)))',
      ).toEqual(['f-d']);
    },
  },
  {
    group: 'sessions',
    name: 'listSessions honours limit and offset after ordering',
    async run({ store }) {
      await seedFilterSessions(store);
      expect(
        ids(await store.listSessions({ limit: 2 })),
        'the port requires: listSessions honours limit and offset after ordering (checking ids(await store.listSessions({ limit: 2 })))',
      ).toEqual(['f-e', 'f-d']);
      expect(
        ids(await store.listSessions({ limit: 2, offset: 2 })),
        'the port requires: listSessions honours limit and offset after ordering (checking ids(await store.listSessions({ limit: 2, offset: 2 })))',
      ).toEqual(['f-c', 'f-b']);
      expect(
        ids(await store.listSessions({ offset: 4 })),
        'the port requires: listSessions honours limit and offset after ordering (checking ids(await store.listSessions({ offset: 4 })))',
      ).toEqual(['f-a']);
      expect(
        ids(await store.listSessions({ tags: ['api'], limit: 1, offset: 1 })),
        "the port requires: listSessions honours limit and offset after ordering (checking ids(await store.listSessions({ tags: ['api'], limit: 1, offset: 1 })))",
      ).toEqual(['f-b']);
      expect(
        await store.listSessions({ offset: 10 }),
        'the port requires: listSessions honours limit and offset after ordering (checking await store.listSessions({ offset: 10 }))',
      ).toEqual([]);
    },
  },
  {
    group: 'sessions',
    name: 'updateSession never changes the id, even when the patch holds one',
    async run({ store }) {
      await store.createSession(makeSession('id-1', { name: 'kept id' }));
      const patch = { id: 'id-2', name: 'renamed' } as Partial<Omit<Session, 'id'>>;
      const updated = await store.updateSession('id-1', patch);
      const rule = 'updateSession must ignore an `id` in the patch: the session keeps its id';
      expect(updated.id, rule).toBe('id-1');
      expect(updated.name, 'the port requires: renamed (checking updated.name)').toBe('renamed');
      expect((await store.getSession('id-1'))?.id, rule).toBe('id-1');
      expect(await store.getSession('id-2'), rule).toBeUndefined();
      expect(ids(await store.listSessions()), rule).toEqual(['id-1']);
    },
  },
  {
    group: 'sessions',
    name: 'since and until compare instants, whatever the ISO-8601 form',
    async run({ store }) {
      await seedFilterSessions(store);
      // f-d was created at day 3 09:00Z; "10:00+01:00" is the same instant, yet sorts after it as text.
      const day3 = isoDay(3).replace('09:00:00.000Z', '10:00:00+01:00');
      const day1 = isoDay(1).replace('09:00:00.000Z', '09:00:00Z');
      const rule = 'since (inclusive) and until (exclusive) must compare createdAt as instants, not as strings';
      expect(ids(await store.listSessions({ since: day3 })), rule).toEqual(['f-e', 'f-d']);
      expect(ids(await store.listSessions({ since: day1, until: day3 })), rule).toEqual(['f-c', 'f-b']);
      const hits = await store.searchLibrary({ since: day1, until: day3 });
      expect(ids(hits.map((h) => h.session)).sort(), `searchLibrary: ${rule}`).toEqual(['f-b', 'f-c']);
      // A session whose createdAt is written with an offset is ordered and filtered by its instant.
      await store.createSession(makeSession('f-x', { createdAt: '2026-03-05T12:00:00+05:00' })); // day 3, 07:00Z
      expect(ids(await store.listSessions({ since: isoDay(2), until: isoDay(4) })), rule).toEqual([
        'f-d',
        'f-x',
        'f-c',
      ]);
    },
  },
  {
    group: 'sessions',
    name: 'ids that are not well-formed Unicode are refused with store.invalid_value',
    async run({ store }) {
      const rule = (id: string) =>
        `an id holding a lone surrogate (${JSON.stringify(id)}) must be refused with store.invalid_value: UTF-8 storage would merge it with other ids`;
      for (const id of ['a\ud800', 'a\udc00', '\udfff-tail']) {
        await expectCode(store.createSession(makeSession(id)), 'store.invalid_value', rule(id));
      }
      await store.createSession(makeSession('a\ufffd'));
      await store.createSession(makeSession('pair-😀'));
      expect(ids(await store.listSessions()).sort(), 'well-formed ids, astral ones included, are kept').toEqual(
        ['a\ufffd', 'pair-😀'].sort(),
      );
      await expectCode(store.getSession('a\ud800'), 'store.invalid_value', rule('a\ud800'));
      await expectCode(store.appendEvents('a\ud800', []), 'store.invalid_value', rule('a\ud800'));
    },
  },
  {
    group: 'sessions',
    name: 'values that are not JSON data are refused with store.invalid_value and store nothing',
    async run({ store }) {
      const cyclic: Record<string, unknown> = { name: 'loop' };
      cyclic.self = cyclic;
      const rule = (what: string) => `${what} must reject with store.invalid_value: store values are JSON data`;
      await expectCode(
        store.createSession(makeSession('v-big', { input: { kind: 'request', request: 'x', n: 1n } as never })),
        'store.invalid_value',
        rule('createSession with a BigInt'),
      );
      await expectCode(
        store.createSession(makeSession('v-cyc', { input: cyclic as never })),
        'store.invalid_value',
        rule('createSession with a cycle'),
      );
      await store.createSession(makeSession('v-ok'));
      await expectCode(
        store.updateSession('v-ok', { summary: 'x', usage: { inputTokens: 1n } as never }),
        'store.invalid_value',
        rule('updateSession with a BigInt'),
      );
      await expectCode(
        store.appendEvents('v-ok', [
          { type: 'executor.progress', sessionId: 'v-ok', kind: 'output', message: 'ok' },
          { type: 'executor.progress', sessionId: 'v-ok', kind: 'output', message: 'm', data: cyclic },
        ]),
        'store.invalid_value',
        rule('appendEvents with a cycle'),
      );
      await expectCode(
        store.putTemplate(makeTemplate('t-big', { variables: [{ name: 'n', type: 'number', default: 2n }] as never })),
        'store.invalid_value',
        rule('putTemplate with a BigInt'),
      );
      await expectCode(
        store.addFoundationVersion(makeFoundationVersion('1.0', { text: cyclic as never })),
        'store.invalid_value',
        rule('addFoundationVersion with a cycle'),
      );
      const nothing = 'a refused value must leave nothing behind';
      expect(ids(await store.listSessions()), nothing).toEqual(['v-ok']);
      expect(await store.getSession('v-ok'), nothing).toEqual(makeSession('v-ok'));
      expect(await store.readEvents('v-ok'), nothing).toEqual([]);
      expect(await store.listTemplates(), nothing).toEqual([]);
      expect(await store.listFoundationVersions(), nothing).toEqual([]);
    },
  },
];
