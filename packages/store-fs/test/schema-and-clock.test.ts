import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rejection } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { FS_SCHEMA_VERSION, openFsStore } from '../src/index.js';
import { sessionOf, tempDirsPerTest } from './helpers.js';

const fresh = tempDirsPerTest();

const progress = (sessionId: string, message: string) =>
  ({ type: 'executor.progress', sessionId, kind: 'output', message }) as const;

describe('schema changes, clocks and stale locks around a running store', () => {
  it('a store already open when a newer version installs a newer layout refuses to write', async () => {
    const dir = await fresh();
    const store = await openFsStore({ dir });
    await store.createSession(sessionOf('s'));
    await store.appendEvents('s', [progress('s', 'before')]);
    const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8'));
    await writeFile(join(dir, 'meta.json'), JSON.stringify({ ...meta, schemaVersion: FS_SCHEMA_VERSION + 1 }));
    // The store looks at meta.json at most once a second (README): let that second pass.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const error = await rejection(store.appendEvents('s', [progress('s', 'old writer')]));
    expect(error).toMatchObject({ name: 'StoreError', code: 'store.schema_too_new' });
    expect(error.message).toContain('upgrade');
    expect(await rejection(store.updateSession('s', { state: 'failed' }))).toMatchObject({
      code: 'store.schema_too_new',
    });
    // Reads still work; nothing was written.
    expect((await store.readEvents('s')).map((e) => e.seq)).toEqual([1]);
    expect((await store.getSession('s'))?.state).toBe('created');
    await store.close();
  });

  it('a clock that goes backwards between appends keeps seq order; durations never go negative', async () => {
    const dir = await fresh();
    let now = Date.UTC(2026, 2, 2, 12);
    const store = await openFsStore({ dir, now: () => new Date(now) });
    await store.createSession(sessionOf('c'));
    await store.appendEvents('c', [
      { type: 'step.started', sessionId: 'c', stepId: 'execute:0', step: 'execute', attempt: 0 },
    ]);
    now -= 3_600_000; // an NTP step back by an hour
    await store.appendEvents('c', [
      { type: 'step.finished', sessionId: 'c', stepId: 'execute:0', step: 'execute', output: {} },
    ]);
    const events = await store.readEvents('c');
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(events.map((e) => e.at)).toEqual(['2026-03-02T12:00:00.000Z', '2026-03-02T11:00:00.000Z']);
    expect((await store.analytics()).phaseDurations).toEqual([{ phase: 'execution', count: 1, p50Ms: 0, p95Ms: 0 }]);
    await store.close();
  });

  it('with the default staleMs, a lock left by a process that died just before is taken over, not a timeout', async () => {
    const dir = await fresh();
    const store = await openFsStore({ dir });
    await store.createSession(sessionOf('l'));
    // The dead holder refreshed its lock 9.5 s ago: stale after the default 10 s, long before
    // the 60 s timeout. (README: recovery takes at most staleMs after the holder's last refresh.)
    // A lock directory, as builds before the owner-file lock left them.
    const lock = join(dir, 'sessions', 'l', 'session.lock');
    await mkdir(lock);
    const refreshed = new Date(Date.now() - 9_500);
    await utimes(lock, refreshed, refreshed);
    expect((await store.appendEvents('l', [progress('l', 'after takeover')])).map((e) => e.seq)).toEqual([1]);
    await store.close();
  }, 30_000);
});
