import { expect } from 'vitest';
import type { AnalyticsQuery } from '../../model/analytics.js';
import type { NewSessionEvent, SessionEvent } from '../../model/events.js';
import type { Session } from '../../model/session.js';
import type { Store } from '../../ports/store.js';
import { computeAnalytics } from '../../store/analytics.js';
import type { ConformanceCase } from './cases.js';
import {
  analyticsScenario,
  isoAt,
  isoDay,
  makeFoundationVersion,
  makeSession,
  makeTemplate,
  oneEventOfEachType,
  usageOf,
} from './store-fixtures.js';

/** What each store case gets: a fresh store. */
export interface StoreCaseContext {
  store: Store;
}

type StoreCase = ConformanceCase<StoreCaseContext>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Expects a promise to reject with an error carrying `code`. */
async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a rejection with code ${code}`).toBeInstanceOf(Error);
  expect((error as { code?: unknown }).code).toBe(code);
}

function progress(sessionId: string, message: string): NewSessionEvent {
  return { type: 'executor.progress', sessionId, kind: 'output', message };
}

function messagesOf(events: SessionEvent[]): string[] {
  return events.map((e) => (e.type === 'executor.progress' ? e.message : e.type));
}

/** Rounds every number in a value to 1e-9 so float sums computed in a different order compare equal. */
export function roundFloats<T>(value: T): T {
  if (typeof value === 'number') return (Math.round(value * 1e9) / 1e9) as T;
  if (Array.isArray(value)) return value.map((v) => roundFloats(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundFloats(v)])) as T;
  }
  return value;
}

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

const ids = (sessions: Array<{ id: string }>) => sessions.map((s) => s.id);

const sessionCases: StoreCase[] = [
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
      expect(await store.getSession('s-1')).toEqual(session);
    },
  },
  {
    group: 'sessions',
    name: 'getSession of an unknown id returns undefined',
    async run({ store }) {
      expect(await store.getSession('missing')).toBeUndefined();
    },
  },
  {
    group: 'sessions',
    name: 'createSession with an existing id fails with store.conflict and keeps the first',
    async run({ store }) {
      const first = makeSession('dup', { name: 'first' });
      await store.createSession(first);
      await expectCode(store.createSession(makeSession('dup', { name: 'second' })), 'store.conflict');
      expect(await store.getSession('dup')).toEqual(first);
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
      expect(winners).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === 'rejected') expect((o.reason as { code?: unknown }).code).toBe('store.conflict');
      }
      const stored = await store.getSession('race');
      const winner = outcomes.findIndex((o) => o.status === 'fulfilled');
      expect(stored?.name).toBe(`racer ${winner}`);
      expect(await store.listSessions()).toHaveLength(1);
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
      expect(updated).toEqual(expected);
      expect(await store.getSession('u-1')).toEqual(expected);
    },
  },
  {
    group: 'sessions',
    name: 'updateSession with an optional field set to undefined clears it',
    async run({ store }) {
      // The engine clears a paused session's error this way when it resumes.
      await store.createSession(makeSession('u-2', { error: { code: 'provider.overloaded', message: 'busy' } }));
      const updated = await store.updateSession('u-2', { error: undefined, state: 'executing' });
      expect(updated.error).toBeUndefined();
      expect('error' in updated).toBe(false);
      const stored = await store.getSession('u-2');
      expect(stored?.error).toBeUndefined();
      expect(stored?.state).toBe('executing');
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
      expect((await store.getSession('c-1'))?.tags).toEqual(['x']);
    },
  },
  {
    group: 'sessions',
    name: 'listSessions returns every session newest createdAt first',
    async run({ store }) {
      await seedFilterSessions(store);
      expect(ids(await store.listSessions())).toEqual(['f-e', 'f-d', 'f-c', 'f-b', 'f-a']);
      expect(ids(await store.listSessions({}))).toEqual(['f-e', 'f-d', 'f-c', 'f-b', 'f-a']);
    },
  },
  {
    group: 'sessions',
    name: 'listSessions filters by one state or any of several',
    async run({ store }) {
      await seedFilterSessions(store);
      expect(ids(await store.listSessions({ state: 'succeeded' }))).toEqual(['f-d', 'f-a']);
      expect(ids(await store.listSessions({ state: ['failed', 'cancelled'] }))).toEqual(['f-e', 'f-b']);
      expect(await store.listSessions({ state: 'planning' })).toEqual([]);
    },
  },
  {
    group: 'sessions',
    name: 'listSessions filters by templateId',
    async run({ store }) {
      await seedFilterSessions(store);
      expect(ids(await store.listSessions({ templateId: 'tpl-2' }))).toEqual(['f-e', 'f-b']);
      expect(await store.listSessions({ templateId: 'tpl-none' })).toEqual([]);
    },
  },
  {
    group: 'sessions',
    name: 'listSessions filters by tags, every tag present',
    async run({ store }) {
      await seedFilterSessions(store);
      expect(ids(await store.listSessions({ tags: ['api'] }))).toEqual(['f-d', 'f-b', 'f-a']);
      expect(ids(await store.listSessions({ tags: ['api', 'fast'] }))).toEqual(['f-d', 'f-a']);
      expect(ids(await store.listSessions({ tags: ['docs', 'fast'] }))).toEqual(['f-d']);
      expect(await store.listSessions({ tags: ['nope'] })).toEqual([]);
    },
  },
  {
    group: 'sessions',
    name: 'listSessions filters by since (inclusive) and until (exclusive)',
    async run({ store }) {
      await seedFilterSessions(store);
      expect(ids(await store.listSessions({ since: isoDay(3) }))).toEqual(['f-e', 'f-d']);
      expect(ids(await store.listSessions({ until: isoDay(1) }))).toEqual(['f-a']);
      expect(ids(await store.listSessions({ since: isoDay(1), until: isoDay(3) }))).toEqual(['f-c', 'f-b']);
      expect(ids(await store.listSessions({ since: isoDay(1, 1), until: isoDay(2, 1) }))).toEqual(['f-c']);
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
      expect(ids(await store.listSessions(filter))).toEqual(['f-d']);
    },
  },
  {
    group: 'sessions',
    name: 'listSessions honours limit and offset after ordering',
    async run({ store }) {
      await seedFilterSessions(store);
      expect(ids(await store.listSessions({ limit: 2 }))).toEqual(['f-e', 'f-d']);
      expect(ids(await store.listSessions({ limit: 2, offset: 2 }))).toEqual(['f-c', 'f-b']);
      expect(ids(await store.listSessions({ offset: 4 }))).toEqual(['f-a']);
      expect(ids(await store.listSessions({ tags: ['api'], limit: 1, offset: 1 }))).toEqual(['f-b']);
      expect(await store.listSessions({ offset: 10 })).toEqual([]);
    },
  },
];

const eventCases: StoreCase[] = [
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
      expect(stored.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(messagesOf(stored)).toEqual(['a', 'b', 'c']);
      for (const event of stored) {
        expect(event.sessionId).toBe('e-1');
        expect(typeof event.at).toBe('string');
        // `at` is an ISO-8601 instant taken while appending (a minute of slack for coarse clocks).
        expect(Number.isNaN(Date.parse(event.at))).toBe(false);
        expect(Date.parse(event.at)).toBeGreaterThanOrEqual(before - 60_000);
      }
    },
  },
  {
    group: 'events',
    name: 'appendEvents continues the sequence across calls without gaps',
    async run({ store }) {
      await store.createSession(makeSession('e-2'));
      await store.appendEvents('e-2', [progress('e-2', 'a')]);
      const second = await store.appendEvents('e-2', [progress('e-2', 'b'), progress('e-2', 'c')]);
      expect(second.map((e) => e.seq)).toEqual([2, 3]);
      expect(await store.appendEvents('e-2', [])).toEqual([]);
      const third = await store.appendEvents('e-2', [progress('e-2', 'd')]);
      expect(third.map((e) => e.seq)).toEqual([4]);
      const all = await store.readEvents('e-2');
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(messagesOf(all)).toEqual(['a', 'b', 'c', 'd']);
    },
  },
  {
    group: 'events',
    name: 'every event type round-trips unchanged',
    async run({ store }) {
      await store.createSession(makeSession('e-3'));
      const events = oneEventOfEachType('e-3');
      const stored = await store.appendEvents('e-3', events);
      expect(stored).toEqual(events.map((e, i) => ({ ...e, seq: i + 1, at: stored[i]?.at })));
      expect(await store.readEvents('e-3')).toEqual(stored);
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
      expect(messagesOf(await store.readEvents('e-4', { fromSeq: 3 }))).toEqual(['c', 'd', 'e']);
      expect(messagesOf(await store.readEvents('e-4', { fromSeq: 2, limit: 2 }))).toEqual(['b', 'c']);
      expect(messagesOf(await store.readEvents('e-4', { limit: 1 }))).toEqual(['a']);
      expect((await store.readEvents('e-4', { fromSeq: 5 })).map((e) => e.seq)).toEqual([5]);
      expect(await store.readEvents('e-4', { fromSeq: 6 })).toEqual([]);
    },
  },
  {
    group: 'events',
    name: 'readEvents of a session without events returns an empty list',
    async run({ store }) {
      await store.createSession(makeSession('e-5'));
      expect(await store.readEvents('e-5')).toEqual([]);
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
      expect(b.map((e) => e.seq)).toEqual([1]);
      expect(messagesOf(await store.readEvents('e-6a'))).toEqual(['a1', 'a2', 'a3']);
      expect((await store.readEvents('e-6b')).map((e) => [e.seq, e.sessionId])).toEqual([[1, 'e-6b']]);
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
      expect(read[0]).toMatchObject({ data: { list: [1] } });
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
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      results.forEach((stored, b) => {
        const seqs = stored.map((e) => e.seq);
        expect(messagesOf(stored)).toEqual(batches[b]?.map((e) => (e.type === 'executor.progress' ? e.message : '')));
        // Contiguous: seq k, k+1, ..., and the log holds the batch at exactly those places.
        expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));
        expect(all.slice((seqs[0] as number) - 1, (seqs[0] as number) - 1 + seqs.length)).toEqual(stored);
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
        expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
        expect(events.every((e) => e.sessionId === id)).toBe(true);
        // Each call's pair stays together: ...-a directly followed by its ...-b.
        const messages = messagesOf(events);
        for (let i = 0; i < messages.length; i += 2) {
          expect(messages[i + 1]).toBe((messages[i] as string).replace(/-a$/, '-b'));
        }
      }
    },
  },
];

/** Library sessions with one unique word each and shared words with different weights. */
async function seedLibrary(store: Store): Promise<void> {
  const sessions = [
    makeSession('l-1', {
      state: 'succeeded',
      createdAt: isoDay(0),
      name: 'Add pagination to the orders endpoint',
      instruction: 'Orders must be listed page by page. zebracorn appears only here.',
      summary: 'Pagination works',
      tags: ['api', 'orders'],
      templateId: 'tpl-api',
    }),
    makeSession('l-2', {
      state: 'failed',
      createdAt: isoDay(1),
      name: 'Fix flaky checkout test',
      instruction: 'The checkout test fails one run in ten.',
      summary: 'Could not reproduce the flake',
      tags: ['tests', 'checkout'],
    }),
    makeSession('l-3', {
      state: 'succeeded',
      createdAt: isoDay(2),
      name: 'Document the orders API',
      instruction: 'Write reference docs for every orders route.',
      summary: 'Docs written; quasarmint glossary added',
      tags: ['docs', 'api'],
      templateId: 'tpl-docs',
    }),
    makeSession('l-4', {
      state: 'succeeded',
      createdAt: isoDay(3),
      name: 'Speed up the build',
      instruction: 'Builds must finish in under a minute.',
      summary: 'Build cached',
      tags: ['ci', 'velvetfjord'],
      templateId: 'tpl-api',
    }),
    makeSession('l-5', { state: 'executing', createdAt: isoDay(4), name: 'Still running', tags: ['api'] }),
  ];
  for (const session of sessions) await store.createSession(session);
}

const hitIds = (hits: Array<{ session: Session }>) => hits.map((h) => h.session.id);

const libraryCases: StoreCase[] = [
  {
    group: 'library',
    name: 'searchLibrary finds a session by a word unique to it, first',
    async run({ store }) {
      await seedLibrary(store);
      // A word in the instruction, in the summary, in the tags.
      expect(hitIds(await store.searchLibrary({ text: 'zebracorn' }))[0]).toBe('l-1');
      expect(hitIds(await store.searchLibrary({ text: 'quasarmint' }))[0]).toBe('l-3');
      expect(hitIds(await store.searchLibrary({ text: 'velvetfjord' }))[0]).toBe('l-4');
      expect(hitIds(await store.searchLibrary({ text: 'flaky' }))[0]).toBe('l-2');
    },
  },
  {
    group: 'library',
    name: 'searchLibrary returns hits best first with numeric scores',
    async run({ store }) {
      await seedLibrary(store);
      const hits = await store.searchLibrary({ text: 'orders' });
      expect(hitIds(hits).sort()).toEqual(['l-1', 'l-3']);
      for (const hit of hits) expect(Number.isFinite(hit.score)).toBe(true);
      for (let i = 1; i < hits.length; i++) {
        expect((hits[i - 1] as { score: number }).score).toBeGreaterThanOrEqual((hits[i] as { score: number }).score);
      }
    },
  },
  {
    group: 'library',
    name: 'searchLibrary with empty text lists every session matching the filters',
    async run({ store }) {
      await seedLibrary(store);
      expect(hitIds(await store.searchLibrary({})).sort()).toEqual(['l-1', 'l-2', 'l-3', 'l-4', 'l-5']);
      expect(hitIds(await store.searchLibrary({ text: '' })).sort()).toEqual(['l-1', 'l-2', 'l-3', 'l-4', 'l-5']);
      expect(hitIds(await store.searchLibrary({ text: '', state: 'succeeded' })).sort()).toEqual(['l-1', 'l-3', 'l-4']);
    },
  },
  {
    group: 'library',
    name: 'searchLibrary honours state, template, tag and date filters',
    async run({ store }) {
      await seedLibrary(store);
      expect(hitIds(await store.searchLibrary({ text: 'orders', state: 'succeeded', templateId: 'tpl-docs' }))).toEqual(
        ['l-3'],
      );
      expect(hitIds(await store.searchLibrary({ text: 'orders', tags: ['orders'] }))).toEqual(['l-1']);
      expect(hitIds(await store.searchLibrary({ text: 'orders', since: isoDay(1) }))).toEqual(['l-3']);
      expect(hitIds(await store.searchLibrary({ text: 'orders', until: isoDay(2) }))).toEqual(['l-1']);
      expect(hitIds(await store.searchLibrary({ state: ['failed', 'executing'] })).sort()).toEqual(['l-2', 'l-5']);
      expect(hitIds(await store.searchLibrary({ templateId: 'tpl-api' })).sort()).toEqual(['l-1', 'l-4']);
      expect(hitIds(await store.searchLibrary({ tags: ['api'], templateId: 'tpl-api' }))).toEqual(['l-1']);
      expect(await store.searchLibrary({ text: 'zebracorn', state: 'failed' })).toEqual([]);
    },
  },
  {
    group: 'library',
    name: 'searchLibrary honours limit',
    async run({ store }) {
      await seedLibrary(store);
      expect(await store.searchLibrary({ limit: 2 })).toHaveLength(2);
      const one = await store.searchLibrary({ text: 'zebracorn', limit: 1 });
      expect(hitIds(one)).toEqual(['l-1']);
    },
  },
  {
    group: 'library',
    name: 'searchLibrary ignores case and punctuation and accepts any text',
    async run({ store }) {
      await seedLibrary(store);
      expect(hitIds(await store.searchLibrary({ text: 'ZebraCorn?' }))[0]).toBe('l-1');
      expect(hitIds(await store.searchLibrary({ text: '"velvetfjord"' }))[0]).toBe('l-4');
      // Query-language operators and stray quotes are plain text, never a syntax error.
      for (const text of ['"unbalanced (paren', 'AND OR NOT', 'orders*', 'a:b ^c -d', "it's", '%_\\', '  ']) {
        const hits = await store.searchLibrary({ text });
        expect(Array.isArray(hits), text).toBe(true);
      }
    },
  },
  {
    group: 'library',
    name: 'searchLibrary with no match returns an empty list',
    async run({ store }) {
      await seedLibrary(store);
      expect(await store.searchLibrary({ text: 'xylophonequark' })).toEqual([]);
    },
  },
  {
    group: 'library',
    name: 'searchLibrary sees updated sessions',
    async run({ store }) {
      await seedLibrary(store);
      await store.updateSession('l-5', {
        instruction: 'Now about moonquiver',
        state: 'succeeded',
        tags: ['api', 'fresh'],
      });
      const hits = await store.searchLibrary({ text: 'moonquiver', state: 'succeeded' });
      expect(hitIds(hits)).toEqual(['l-5']);
      expect(hits[0]?.session).toEqual(await store.getSession('l-5'));
      expect(hitIds(await store.searchLibrary({ tags: ['fresh'] }))).toEqual(['l-5']);
    },
  },
];

const templateCases: StoreCase[] = [
  {
    group: 'templates',
    name: 'putTemplate then getTemplate by id and by name',
    async run({ store }) {
      const template = makeTemplate('t-1', { name: 'add-endpoint' });
      await store.putTemplate(template);
      expect(await store.getTemplate('t-1')).toEqual(template);
      expect(await store.getTemplate('add-endpoint')).toEqual(template);
      expect(await store.getTemplate('missing')).toBeUndefined();
    },
  },
  {
    group: 'templates',
    name: 'putTemplate replaces a template with the same id',
    async run({ store }) {
      await store.putTemplate(makeTemplate('t-2', { name: 'old-name' }));
      const replaced = makeTemplate('t-2', {
        name: 'new-name',
        text: 'Changed {{x}}',
        variables: [],
        updatedAt: isoAt(9),
      });
      await store.putTemplate(replaced);
      expect(await store.getTemplate('t-2')).toEqual(replaced);
      expect(await store.getTemplate('new-name')).toEqual(replaced);
      expect(await store.getTemplate('old-name')).toBeUndefined();
      expect(await store.listTemplates()).toHaveLength(1);
    },
  },
  {
    group: 'templates',
    name: 'listTemplates lists every template',
    async run({ store }) {
      expect(await store.listTemplates()).toEqual([]);
      const templates = [
        makeTemplate('t-b', { name: 'beta' }),
        makeTemplate('t-a', { name: 'alpha' }),
        makeTemplate('t-c', { name: 'gamma', tags: [] }),
      ];
      for (const t of templates) await store.putTemplate(t);
      const listed = await store.listTemplates();
      expect([...listed].sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(
        [...templates].sort((a, b) => (a.id < b.id ? -1 : 1)),
      );
    },
  },
  {
    group: 'templates',
    name: 'deleteTemplate removes a template and reports whether it did',
    async run({ store }) {
      await store.putTemplate(makeTemplate('t-d', { name: 'doomed' }));
      await store.putTemplate(makeTemplate('t-k', { name: 'kept' }));
      expect(await store.deleteTemplate('t-d')).toBe(true);
      expect(await store.deleteTemplate('t-d')).toBe(false);
      expect(await store.deleteTemplate('never')).toBe(false);
      expect(await store.getTemplate('t-d')).toBeUndefined();
      expect(await store.getTemplate('doomed')).toBeUndefined();
      expect((await store.listTemplates()).map((t) => t.id)).toEqual(['t-k']);
    },
  },
];

const foundationCases: StoreCase[] = [
  {
    group: 'foundation',
    name: 'listFoundationVersions returns versions oldest first, filtered by path',
    async run({ store }) {
      expect(await store.listFoundationVersions()).toEqual([]);
      const v1 = makeFoundationVersion('1.0', { at: isoAt(1), sessionId: 's-a' });
      const v2 = makeFoundationVersion('1.1', { at: isoAt(2), previousVersion: '1.0', sessionId: 's-b' });
      const other = makeFoundationVersion('2.22A', { at: isoAt(3), path: 'docs/OTHER.md', sessionId: 's-c' });
      const v3 = makeFoundationVersion('1.10', { at: isoAt(4), previousVersion: '1.1', sessionId: 's-d' });
      for (const v of [v1, v2, other, v3]) await store.addFoundationVersion(v);
      expect(await store.listFoundationVersions()).toEqual([v1, v2, other, v3]);
      expect(await store.listFoundationVersions({ path: 'FOUNDATION.md' })).toEqual([v1, v2, v3]);
      expect(await store.listFoundationVersions({ path: 'docs/OTHER.md' })).toEqual([other]);
      expect(await store.listFoundationVersions({ path: 'none.md' })).toEqual([]);
    },
  },
];

/** Seeds the analytics scenario, pausing a little between batches so step durations differ. */
async function seedAnalytics(store: Store): Promise<void> {
  for (const { session, batches } of analyticsScenario()) {
    await store.createSession(session);
    for (const [i, batch] of batches.entries()) {
      await store.appendEvents(session.id, batch);
      if (i % 2 === 1) await sleep(2);
    }
  }
}

/** The reference report over what the store gives back through the port. */
async function referenceReport(store: Store, query: AnalyticsQuery) {
  const sessions = await store.listSessions();
  const events = new Map<string, SessionEvent[]>();
  for (const session of sessions) events.set(session.id, await store.readEvents(session.id));
  return computeAnalytics(sessions, events, query);
}

const ANALYTICS_QUERIES: AnalyticsQuery[] = [
  {},
  { bucket: 'week' },
  { bucket: 'month' },
  { templateId: 'tpl-api' },
  { templateId: 'tpl-none' },
  // Bounds exactly on sessions' createdAt: an-03 is in (inclusive since), an-09 is out (exclusive until).
  { since: isoDay(1, 2), until: isoDay(9, 12) },
  { since: isoDay(3), bucket: 'week', top: 2 },
  { top: 1 },
  { top: 3, templateId: 'tpl-fix' },
];

const analyticsCases: StoreCase[] = [
  {
    group: 'analytics',
    name: 'analytics of an empty store is all zeros and empty lists',
    async run({ store }) {
      const zero = usageOf(0, 0, 0);
      expect(roundFloats(await store.analytics())).toEqual({
        overall: { total: 0, succeeded: 0, failed: 0, cancelled: 0, successRate: 0 },
        byTemplate: [],
        overTime: [],
        topFailingGates: [],
        topErrorSignatures: [],
        phaseDurations: [],
        usage: { total: zero, perSession: zero, byPhase: [] },
      });
    },
  },
  {
    group: 'analytics',
    name: 'analytics equals computeAnalytics on a rich scenario for every query',
    async run({ store }) {
      await seedAnalytics(store);
      for (const query of ANALYTICS_QUERIES) {
        const expected = roundFloats(await referenceReport(store, query));
        const actual = roundFloats(await store.analytics(query));
        expect(actual, `analytics(${JSON.stringify(query)})`).toEqual(expected);
      }
    },
  },
  {
    group: 'analytics',
    name: 'analytics of the scenario covers every section',
    async run({ store }) {
      // Guards the suite itself: the equality case is only as strong as the scenario is rich.
      await seedAnalytics(store);
      const report = await store.analytics();
      expect(report.overall).toMatchObject({ total: 12, succeeded: 5, failed: 4, cancelled: 1 });
      expect(report.byTemplate.map((t) => t.templateId)).toEqual(['tpl-api', 'tpl-docs', 'tpl-fix']);
      expect(report.overTime.length).toBeGreaterThan(5);
      expect(report.topFailingGates.map((g) => g.gate)).toEqual(['tests', 'lint', 'types', 'secrets']);
      expect(report.topErrorSignatures.length).toBeGreaterThan(4);
      expect(report.phaseDurations.map((p) => p.phase)).toEqual([
        'approval',
        'execution',
        'foundation',
        'planning',
        'verification',
      ]);
      expect(report.usage.byPhase.map((p) => p.phase)).toEqual(['execution', 'foundation', 'planning']);
    },
  },
];

const lifecycleCases: StoreCase[] = [
  {
    group: 'lifecycle',
    name: 'a call with an aborted signal rejects and changes nothing',
    async run({ store }) {
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      const { signal } = controller;
      await expect(store.createSession(makeSession('ab-1'), { signal })).rejects.toBeDefined();
      expect(await store.getSession('ab-1')).toBeUndefined();
      await store.createSession(makeSession('ab-2'));
      await expect(store.appendEvents('ab-2', [progress('ab-2', 'x')], { signal })).rejects.toBeDefined();
      expect(await store.readEvents('ab-2')).toEqual([]);
      await expect(store.listSessions({}, { signal })).rejects.toBeDefined();
    },
  },
  {
    group: 'lifecycle',
    name: 'every call after close fails with store.closed',
    async run({ store }) {
      await store.createSession(makeSession('cl-1'));
      await store.close();
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['createSession', () => store.createSession(makeSession('cl-2'))],
        ['getSession', () => store.getSession('cl-1')],
        ['updateSession', () => store.updateSession('cl-1', { state: 'failed' })],
        ['listSessions', () => store.listSessions()],
        ['appendEvents', () => store.appendEvents('cl-1', [progress('cl-1', 'x')])],
        ['readEvents', () => store.readEvents('cl-1')],
        ['searchLibrary', () => store.searchLibrary({ text: 'x' })],
        ['putTemplate', () => store.putTemplate(makeTemplate('t'))],
        ['getTemplate', () => store.getTemplate('t')],
        ['listTemplates', () => store.listTemplates()],
        ['deleteTemplate', () => store.deleteTemplate('t')],
        ['addFoundationVersion', () => store.addFoundationVersion(makeFoundationVersion('1.0'))],
        ['listFoundationVersions', () => store.listFoundationVersions()],
        ['analytics', () => store.analytics()],
      ];
      for (const [method, call] of calls) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((error as { code?: unknown } | undefined)?.code, `${method} after close`).toBe('store.closed');
      }
    },
  },
];

/** Every store conformance case, in report order. */
export const STORE_CASES: readonly StoreCase[] = [
  ...sessionCases,
  ...eventCases,
  ...libraryCases,
  ...templateCases,
  ...foundationCases,
  ...analyticsCases,
  ...lifecycleCases,
];
