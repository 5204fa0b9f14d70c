import * as nodeFs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { rejection } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { openFsStore, type StoreFs } from '../src/index.js';
import { thisProcess } from '../src/process-identity.js';
import { sessionOf, tempDirsPerTest } from './helpers.js';

const fresh = tempDirsPerTest();
const STALE_MS = 2000;

const progress = (sessionId: string, message: string) =>
  ({ type: 'executor.progress', sessionId, kind: 'output', message }) as const;

/**
 * The real `node:fs`, except that once `stallAt` says so, this process's file calls stand still
 * until `resume()`: the call that matched and every lock refresh (`utimes` of the owner file) wait, as they would
 * in a process stopped by SIGSTOP or a long GC pause. Another store instance on plain `node:fs`
 * plays the other process. The stalling instance's owner file names another machine's boot id:
 * a holder on this machine is never taken over while it runs, so only a holder the other cannot
 * look up (another machine or container) can be overtaken by the lock's age.
 */
function stallableFs(stallAt: (call: string, path: string) => boolean) {
  let stalled: Promise<void> | undefined;
  let resume = () => {};
  let reached = () => {};
  const reachedStall = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const stall = () => {
    stalled ??= new Promise<void>((resolve) => {
      resume = resolve;
    });
    reached();
    return stalled;
  };
  const gate = async (call: string, path: string) => {
    if (stalled) await stalled;
    else if (stallAt(call, path)) await stall();
  };
  const wrapHandle = (handle: FileHandle, path: string): FileHandle =>
    new Proxy(handle, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (key === 'write' && path.endsWith('.owner')) {
            const identity = Buffer.from(JSON.stringify({ ...thisProcess(), boot: 'another-machine' }));
            return target.write(identity, 0, identity.length, 0);
          }
          await gate(`handle.${String(key)}`, path);
          return value.apply(target, args);
        };
      },
    });
  const fs: StoreFs = {
    promises: {
      ...nodeFs.promises,
      utimes: (async (...args: Parameters<typeof nodeFs.promises.utimes>) => {
        await stalled;
        return nodeFs.promises.utimes(...args);
      }) as typeof nodeFs.promises.utimes,
      open: (async (path: string, flags?: string) =>
        wrapHandle(await nodeFs.promises.open(path, flags), String(path))) as typeof nodeFs.promises.open,
      stat: (async (path: string) => {
        await gate('stat', String(path));
        return nodeFs.promises.stat(path);
      }) as typeof nodeFs.promises.stat,
    },
  };
  return { fs, reachedStall, resume: () => resume() };
}

describe('a lock holder that stalls past staleMs while another process takes over', () => {
  it('fails without writing when it wakes between reading the log and writing to it', async () => {
    const dir = await fresh();
    const other = await openFsStore({ dir, lock: { staleMs: STALE_MS } });
    await other.createSession(sessionOf('s'));
    await other.appendEvents('s', [progress('s', 'one')]);
    // The holder stands still between reading the log's size and reading its last line, under the lock.
    const { fs, reachedStall, resume } = stallableFs(
      (call, path) => path.endsWith('events.jsonl') && call === 'handle.read',
    );
    const holder = await openFsStore({ dir, fs, lock: { staleMs: STALE_MS } });
    const stalledAppend = rejection(holder.appendEvents('s', [progress('s', 'stalled')]));
    await reachedStall;
    // The holder's lock is not refreshed any more: after staleMs the other process takes it over.
    const taken = await other.appendEvents('s', [progress('s', 'two')]);
    expect(taken.map((e) => e.seq)).toEqual([2]);
    resume();
    const error = await stalledAppend;
    expect(error).toMatchObject({ name: 'StoreError', code: 'store.unavailable' });
    expect(error.message).toMatch(/no longer held|changed while/);
    expect(error.message).toContain('nothing was written');
    const events = await other.readEvents('s');
    expect(events.map((e) => [e.seq, e.type === 'executor.progress' ? e.message : ''])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
    // Awake again, the holder appends normally after what the other wrote.
    expect((await holder.appendEvents('s', [progress('s', 'three')])).map((e) => e.seq)).toEqual([3]);
    expect((await other.readEvents('s')).map((e) => e.seq)).toEqual([1, 2, 3]);
  }, 30_000);

  it('does not mistake the other’s appends for its own when it wakes after writing', async () => {
    const dir = await fresh();
    const other = await openFsStore({ dir, lock: { staleMs: STALE_MS } });
    await other.createSession(sessionOf('s'));
    // The holder stands still right after its write reached the disk (at the stat that follows the fsync).
    let synced = false;
    const { fs, reachedStall, resume } = stallableFs((call, path) => {
      if (!path.endsWith('events.jsonl')) return false;
      if (call === 'handle.sync') synced = true;
      return synced && call === 'handle.stat';
    });
    const holder = await openFsStore({ dir, fs, lock: { staleMs: STALE_MS } });
    const first = holder.appendEvents('s', [progress('s', 'one')]);
    await reachedStall;
    expect((await other.appendEvents('s', [progress('s', 'two')])).map((e) => e.seq)).toEqual([2]);
    resume();
    // Its own append landed whole before the stall: acknowledged with its seq.
    expect((await first).map((e) => e.seq)).toEqual([1]);
    // Its next append must see the other's line, not continue from what it remembered.
    expect((await holder.appendEvents('s', [progress('s', 'three')])).map((e) => e.seq)).toEqual([3]);
    expect((await other.readEvents('s')).map((e) => e.seq)).toEqual([1, 2, 3]);
  }, 30_000);
});
