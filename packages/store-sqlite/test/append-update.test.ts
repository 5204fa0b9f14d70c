import { join } from 'node:path';
import { StoreError } from '@sessionhub/core';
import { progressEventOf, sessionOf } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/index.js';
import { tempDirsPerTest } from './helpers.js';

const freshDir = tempDirsPerTest();

describe('appendEventsAndUpdate on SQLite', () => {
  it('is one write: append and record patch cost one commit, and concurrent sessions share it', async () => {
    const path = join(await freshDir(), 'store.db');
    const store = await openSqliteStore({ path, synchronous: 'full' });
    await store.createSession(sessionOf('one'));
    let before = store.commitStats;
    await store.appendEventsAndUpdate(
      'one',
      [progressEventOf('one', 'step')],
      { state: 'planning' },
      { expectedSeq: 0 },
    );
    expect(store.commitStats.commits - before.commits, 'an append with its record patch is one commit').toBe(1);

    for (let i = 0; i < 32; i++) await store.createSession(sessionOf(`s${i}`));
    before = store.commitStats;
    const results = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        store.appendEventsAndUpdate(
          `s${i}`,
          [progressEventOf(`s${i}`, 'step')],
          { state: 'executing' },
          { expectedSeq: 0 },
        ),
      ),
    );
    const after = store.commitStats;
    expect(after.writes - before.writes).toBe(32);
    expect(after.commits - before.commits, '32 concurrent writes must share commits').toBeLessThan(4);
    expect(results.map((r) => [r.events[0]?.seq, r.session.state])).toEqual(results.map(() => [1, 'executing']));
    await store.close();

    const reopened = await openSqliteStore({ path });
    for (let i = 0; i < 32; i++) {
      expect((await reopened.readEvents(`s${i}`)).map((e) => e.seq)).toEqual([1]);
      expect(await reopened.getSession(`s${i}`)).toEqual(results[i]?.session);
    }
    await reopened.close();
  });

  it('one that fails inside a shared commit rolls back alone, both its parts; the others commit', async () => {
    const path = join(await freshDir(), 'store.db');
    const store = await openSqliteStore({ path });
    await store.createSession(sessionOf('a'));
    await store.createSession(sessionOf('b', { summary: 'kept' }));
    await store.createSession(sessionOf('c'));
    const results = await Promise.allSettled([
      store.appendEventsAndUpdate('a', [progressEventOf('a', 'one')], { summary: 'a done' }, { expectedSeq: 0 }),
      store.appendEventsAndUpdate('b', [progressEventOf('b', 'late')], { summary: 'lost' }, { expectedSeq: 5 }),
      store.appendEventsAndUpdate('c', [progressEventOf('c', 'bad')], { usage: { inputTokens: 1n } as never }),
      store.appendEventsAndUpdate('c', [progressEventOf('c', 'ok')], { summary: 'c done' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const codes = results.map((r) => (r.status === 'rejected' && StoreError.isInstance(r.reason) ? r.reason.code : ''));
    expect(codes).toEqual(['', 'store.conflict', 'store.invalid_value', '']);
    expect((await store.getSession('a'))?.summary).toBe('a done');
    expect((await store.getSession('b'))?.summary).toBe('kept');
    expect(await store.readEvents('b')).toEqual([]);
    expect((await store.getSession('c'))?.summary).toBe('c done');
    expect((await store.readEvents('c')).map((e) => (e.type === 'executor.progress' ? e.message : ''))).toEqual(['ok']);
    await store.close();
  });
});
