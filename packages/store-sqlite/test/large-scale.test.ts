import { join } from 'node:path';
import { searchSessions } from '@sessionhub/core';
import { librarySessions } from '@sessionhub/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/index.js';
import { tempDir } from './helpers.js';

// 100,000 sessions through the bulk path, then a fresh open and searches. No timing asserts.
const COUNT = 100_000;
let path = '';
let remove: () => Promise<void> = async () => {};

beforeAll(async () => {
  const t = await tempDir();
  remove = t.remove;
  path = join(t.dir, 'large.db');
  const store = await openSqliteStore({ path });
  expect(await store.importSessions(librarySessions({ count: COUNT }))).toBe(COUNT);
  await store.updateSession('lib-77777', { summary: 'the only session about a zanzibarquill' });
  await store.close();
}, 120_000);

afterAll(() => remove());

describe(`a store of ${COUNT.toLocaleString('en')} sessions`, () => {
  it('opens and lists newest first with filters', async () => {
    const store = await openSqliteStore({ path });
    const newest = await store.listSessions({ limit: 3 });
    expect(newest.map((s) => s.id)).toEqual(['lib-99999', 'lib-99998', 'lib-99997']);
    const tpl = await store.listSessions({ templateId: 'tpl-7', state: 'failed', limit: 5000 });
    // tpl-7: i % 20 == 7; failed: i % 6 == 3 → i % 60 == 27.
    expect(tpl).toHaveLength(Math.ceil((COUNT - 27) / 60));
    expect(tpl.every((s) => s.templateId === 'tpl-7' && s.state === 'failed')).toBe(true);
    await store.close();
  });

  it('finds a word unique to one session, first', async () => {
    const store = await openSqliteStore({ path });
    const hits = await store.searchLibrary({ text: 'zanzibarquill', limit: 5 });
    expect(hits.map((h) => h.session.id)).toEqual(['lib-77777']);
    await store.close();
  });

  it('returns the same hit set as the reference search for a common word with filters', async () => {
    const store = await openSqliteStore({ path });
    const all = [...librarySessions({ count: COUNT })];
    const query = { text: 'kalox', state: 'succeeded' as const, tags: ['tag5'] };
    const expected = searchSessions(all, query).map((h) => h.session.id);
    const hits = await store.searchLibrary(query);
    expect(expected.length).toBeGreaterThan(0);
    expect(hits.map((h) => h.session.id).sort()).toEqual([...expected].sort());
    for (let i = 1; i < hits.length; i++) {
      expect((hits[i - 1] as { score: number }).score).toBeGreaterThanOrEqual((hits[i] as { score: number }).score);
    }
    const limited = await store.searchLibrary({ ...query, limit: 10 });
    expect(limited.map((h) => h.session.id)).toEqual(hits.slice(0, 10).map((h) => h.session.id));
    await store.close();
  });
});
