import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { link, mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rejection } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { openFsStore } from '../src/index.js';
import { thisProcess } from '../src/process-identity.js';
import { sessionOf, tempDirsPerTest } from './helpers.js';

const fresh = tempDirsPerTest();

const progress = (sessionId: string, message: string) =>
  ({ type: 'executor.progress', sessionId, kind: 'output', message }) as const;

/**
 * A lock as another process holds it: its owner file in `locks/` (with `content`, empty as an
 * older build or a platform without `/proc` writes it), hard-linked as the session's lock.
 */
async function lockHeldByAnother(dir: string, sessionId: string, refreshedMsAgo: number, content = '') {
  const owner = join(dir, 'locks', '999999-deadbeef0000.owner');
  await mkdir(join(dir, 'locks'), { recursive: true });
  await writeFile(owner, content);
  const lock = join(dir, 'sessions', sessionId, 'session.lock');
  await link(owner, lock);
  const refreshed = new Date(Date.now() - refreshedMsAgo);
  await utimes(owner, refreshed, refreshed);
  return { owner, lock };
}

/** The owner-file content of process `pid` on this machine, as that process would write it. */
function identityOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  return JSON.stringify({ ...thisProcess(), pid, start });
}

const onLinux = process.platform === 'linux';

describe.runIf(onLinux)('the lock on one machine: its holder named in the owner file', () => {
  it('a running holder keeps its lock however long it was not refreshed (SIGSTOP); once it exits the lock is taken at once', async () => {
    const dir = await fresh();
    // staleMs far below the lock's age, and a timeout far below staleMs.
    const store = await openFsStore({ dir, lock: { staleMs: 2000, timeoutMs: 300 } });
    await store.createSession(sessionOf('s'));
    const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const pid = holder.pid as number;
      holder.kill('SIGSTOP');
      const { lock } = await lockHeldByAnother(dir, 's', 60_000, identityOf(pid));
      const error = await rejection(store.appendEvents('s', [progress('s', 'x')]));
      expect(error).toMatchObject({ name: 'StoreError', code: 'store.unavailable' });
      expect(error.message).toContain('busy');
      expect(await store.readEvents('s')).toEqual([]);
      expect((await stat(lock)).nlink).toBe(2);
      holder.kill('SIGKILL');
      await once(holder, 'exit');
      // Exited (and reaped): the next writer takes the lock without waiting for it to go stale.
      await utimes(lock, new Date(), new Date());
      expect((await store.appendEvents('s', [progress('s', 'after exit')])).map((e) => e.seq)).toEqual([1]);
    } finally {
      holder.kill('SIGKILL');
      await store.close();
    }
  });

  it('a lock refreshed just now is taken at once when its holder has exited, or its pid now names a later process', async () => {
    const dir = await fresh();
    const store = await openFsStore({ dir, lock: { staleMs: 60_000, timeoutMs: 300 } });
    await store.createSession(sessionOf('s'));
    const exited = spawn('true', { stdio: 'ignore' });
    const exitedIdentity = JSON.stringify({ ...thisProcess(), pid: exited.pid, start: '1' });
    await once(exited, 'exit');
    const { owner } = await lockHeldByAnother(dir, 's', 0, exitedIdentity);
    expect((await store.appendEvents('s', [progress('s', 'one')])).map((e) => e.seq)).toEqual([1]);
    expect((await stat(owner)).nlink).toBe(1);
    // This test's own pid with another start time: the pid was reused, the holder is gone.
    const reused = JSON.stringify({ ...thisProcess(), start: '1' });
    const again = join(dir, 'locks', '999999-deadbeef0000.owner');
    await writeFile(again, reused);
    await link(again, join(dir, 'sessions', 's', 'session.lock'));
    expect((await store.appendEvents('s', [progress('s', 'two')])).map((e) => e.seq)).toEqual([2]);
    await store.close();
  });

  it('another store instance of a running process is waited for, never taken over', async () => {
    const dir = await fresh();
    const store = await openFsStore({ dir, lock: { staleMs: 2000, timeoutMs: 300 } });
    await store.createSession(sessionOf('s'));
    await lockHeldByAnother(dir, 's', 60_000, identityOf(process.pid));
    const error = await rejection(store.appendEvents('s', [progress('s', 'x')]));
    expect(error).toMatchObject({ name: 'StoreError', code: 'store.unavailable' });
    await store.close();
  });

  it('writes its own process into its owner file', async () => {
    const dir = await fresh();
    const store = await openFsStore({ dir });
    await store.createSession(sessionOf('s'));
    await store.appendEvents('s', [progress('s', 'x')]);
    const [name] = await readdir(join(dir, 'locks'));
    expect(JSON.parse(readFileSync(join(dir, 'locks', name as string), 'utf8'))).toEqual(
      JSON.parse(identityOf(process.pid)),
    );
    await store.close();
  });
});

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
