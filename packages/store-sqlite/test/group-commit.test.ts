import { join } from 'node:path';
import { StoreError } from '@sessionhub/core';
import { progressEventOf, sessionOf } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/index.js';
import { tempDirsPerTest } from './helpers.js';

const freshDir = tempDirsPerTest();

describe('group commit', () => {
  it('concurrent sessions’ appends share one commit (one fsync at FULL), each acknowledged only once committed', async () => {
    const path = join(await freshDir(), 'store.db');
    const store = await openSqliteStore({ path, synchronous: 'full' });
    for (let i = 0; i < 32; i++) await store.createSession(sessionOf(`s${i}`));
    const before = store.commitStats;
    const stored = await Promise.all(
      Array.from({ length: 32 }, (_, i) => store.appendEvents(`s${i}`, [progressEventOf(`s${i}`, 'step')])),
    );
    const after = store.commitStats;
    expect(after.writes - before.writes).toBe(32);
    expect(after.commits - before.commits, '32 concurrent appends must share commits').toBeLessThan(4);
    expect(stored.map((events) => events[0]?.seq)).toEqual(stored.map(() => 1));
    await store.close();
    const reopened = await openSqliteStore({ path });
    for (let i = 0; i < 32; i++) expect(await reopened.readEvents(`s${i}`)).toHaveLength(1);
    await reopened.close();
  });

  it('a write that fails inside a shared commit rolls back alone; the others commit', async () => {
    const path = join(await freshDir(), 'store.db');
    const store = await openSqliteStore({ path });
    await store.createSession(sessionOf('a'));
    await store.createSession(sessionOf('b'));
    const results = await Promise.allSettled([
      store.appendEvents('a', [progressEventOf('a', 'one'), progressEventOf('a', 'two')]),
      store.appendEvents('b', [progressEventOf('b', 'late')], { expectedSeq: 5 }),
      store.createSession(sessionOf('a')),
      store.appendEvents('b', [progressEventOf('b', 'ok')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    for (const r of results) {
      if (r.status === 'rejected') expect(StoreError.isInstance(r.reason) && r.reason.code).toBe('store.conflict');
    }
    expect((await store.readEvents('a')).map((e) => e.seq)).toEqual([1, 2]);
    expect((await store.readEvents('b')).map((e) => (e.type === 'executor.progress' ? e.message : ''))).toEqual(['ok']);
    await store.close();
  });

  it('a read sees every write issued before it, even one not awaited yet', async () => {
    const store = await openSqliteStore({ path: join(await freshDir(), 'store.db') });
    const created = store.createSession(sessionOf('r'));
    expect((await store.getSession('r'))?.id).toBe('r');
    await created;
    await store.close();
  });

  it('writes issued after a read committed the earlier ones join one commit, before any timer runs', async () => {
    const store = await openSqliteStore({ path: join(await freshDir(), 'store.db') });
    for (const id of ['a', 'b', 'c']) await store.createSession(sessionOf(id));
    const before = store.commitStats;
    let timerRan = false;
    setTimeout(() => {
      timerRan = true;
    }, 0);
    // The read commits `a` at once, while the flush that `a` scheduled is still waiting for company.
    const first = store.appendEvents('a', [progressEventOf('a', 'one')]);
    expect(await store.readEvents('a')).toHaveLength(1);
    const later = [
      store.appendEvents('b', [progressEventOf('b', 'two')]),
      store.appendEvents('c', [progressEventOf('c', 'three')]),
    ];
    const stored = await Promise.all([first, ...later]);
    expect(timerRan, 'the writes must commit within the macrotask that issued them').toBe(false);
    expect(stored.map((events) => events[0]?.seq)).toEqual([1, 1, 1]);
    const after = store.commitStats;
    expect(after.writes - before.writes).toBe(3);
    expect(after.commits - before.commits, 'one commit for a (by the read), one shared by b and c').toBe(2);
    await store.close();
  });
});
