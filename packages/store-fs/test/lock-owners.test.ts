import { link, mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rejection } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { openFsStore } from '../src/index.js';
import { sessionOf, tempDirsPerTest } from './helpers.js';

const fresh = tempDirsPerTest();

const progress = (sessionId: string, message: string) =>
  ({ type: 'executor.progress', sessionId, kind: 'output', message }) as const;

/** A lock as another process holds it: its owner file in `locks/`, hard-linked as the session's lock. */
async function lockHeldByAnother(dir: string, sessionId: string, refreshedMsAgo: number) {
  const owner = join(dir, 'locks', '999999-deadbeef0000.owner');
  await mkdir(join(dir, 'locks'), { recursive: true });
  await writeFile(owner, '');
  const lock = join(dir, 'sessions', sessionId, 'session.lock');
  await link(owner, lock);
  const refreshed = new Date(Date.now() - refreshedMsAgo);
  await utimes(owner, refreshed, refreshed);
  return { owner, lock };
}

describe('the cross-process lock: a link to the holder’s owner file', () => {
  it('a lock whose holder died (owner file not refreshed for staleMs) is taken over; its owner file is left unlinked', async () => {
    const dir = await fresh();
    const store = await openFsStore({ dir, lock: { staleMs: 2000 } });
    await store.createSession(sessionOf('s'));
    const { owner } = await lockHeldByAnother(dir, 's', 5_000);
    expect((await store.appendEvents('s', [progress('s', 'after takeover')])).map((e) => e.seq)).toEqual([1]);
    // The dead holder's lock name is gone (no `session.lock`, nothing moved aside left behind);
    // its owner file now has only its own name.
    expect((await readdir(join(dir, 'sessions', 's'))).sort()).toEqual(['events.jsonl', 'session.json']);
    expect((await stat(owner)).nlink).toBe(1);
    await store.close();
  });

  it('a live holder (owner file refreshed just now) makes a writer wait, then fail typed; nothing is written', async () => {
    const dir = await fresh();
    const store = await openFsStore({ dir, lock: { staleMs: 2000, timeoutMs: 300 } });
    await store.createSession(sessionOf('s'));
    const { lock } = await lockHeldByAnother(dir, 's', 0);
    const error = await rejection(store.appendEvents('s', [progress('s', 'x')]));
    expect(error).toMatchObject({ name: 'StoreError', code: 'store.unavailable' });
    expect(error.message).toContain('busy');
    expect(await store.readEvents('s')).toEqual([]);
    // The other holder's lock is untouched.
    expect((await stat(lock)).nlink).toBe(2);
    await store.close();
  });

  it('each store instance links one owner file per lock it takes and removes the file at close', async () => {
    const dir = await fresh();
    const a = await openFsStore({ dir });
    const b = await openFsStore({ dir });
    await a.createSession(sessionOf('s'));
    for (let i = 0; i < 5; i++) {
      await a.appendEvents('s', [progress('s', `a${i}`)]);
      await b.appendEvents('s', [progress('s', `b${i}`)]);
    }
    expect((await b.readEvents('s')).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const owners = (await readdir(join(dir, 'locks'))).filter((name) => name.endsWith('.owner'));
    expect(owners).toHaveLength(2);
    for (const name of owners) {
      expect(name.startsWith(`${process.pid}-`)).toBe(true);
      // Only its own name links to it: every lock taken with it was released.
      expect((await stat(join(dir, 'locks', name))).nlink).toBe(1);
    }
    await a.close();
    await b.close();
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
  });

  it('owner files left by processes that ended without closing (no lock links them, untouched for 6 × staleMs) are removed', async () => {
    const dir = await fresh();
    await mkdir(join(dir, 'locks'), { recursive: true });
    const long = join(dir, 'locks', '999998-0123456789ab.owner');
    const recent = join(dir, 'locks', '999997-0123456789ab.owner');
    await writeFile(long, '');
    await writeFile(recent, '');
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(long, minuteAgo, minuteAgo);
    const store = await openFsStore({ dir, lock: { staleMs: 2000 } });
    await store.createSession(sessionOf('s'));
    const names = await readdir(join(dir, 'locks'));
    expect(names).not.toContain('999998-0123456789ab.owner');
    // Refreshed recently: its process may be alive and about to take a lock with it.
    expect(names).toContain('999997-0123456789ab.owner');
    await store.close();
  });
});
