/**
 * Taking over the session of a dead engine at once: a claim records its holder's host, pid and (on
 * Linux) process marker, and an engine on the same host takes a live claim over when that process is
 * gone. A claim of a live process, or of another host, still blocks until it runs out.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryStore, SessionStateError } from '@sessionhub/core';
import { sessionOf, spawnTs, waitForLine, watchChild } from '@sessionhub/core/testing';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { thisHolder } from '../src/engine/claim-holder.js';
import { tempDir } from './support/dir-sandbox.js';
import { expectSoundLog, finishedSteps, makeHarness } from './support/harness.js';

const WORKER = fileURLToPath(new URL('./support/engine-worker.ts', import.meta.url));
const children: Array<{ kill: (s: NodeJS.Signals) => boolean }> = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** A store holding one session whose log ends in a live claim (an hour left) of `holder`. */
async function claimedBy(holder: Record<string, unknown>): Promise<MemoryStore> {
  const store = new MemoryStore();
  const session = sessionOf('claimed', { input: { kind: 'request', request: 'Greet visitors by name' } });
  await store.createSession(session);
  await store.appendEvents('claimed', [
    { type: 'session.created', sessionId: 'claimed', input: session.input },
    {
      type: 'session.claimed',
      sessionId: 'claimed',
      owner: 'other-engine',
      until: new Date(Date.now() + 3_600_000).toISOString(),
      ...holder,
    },
  ]);
  return store;
}

/** A live process on this host that is not this one. */
function liveProcess(): number {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  children.push(child);
  if (!child.pid) throw new Error('sleep did not start');
  return child.pid;
}

describe('dead owner on the same host', () => {
  it('a fresh process resumes at once the session of an engine SIGKILLed mid-step', async () => {
    const dir = await tempDir();
    const file = join(dir, 'store.db');
    const workspace = await tempDir();
    // Create the schema before the child opens the file.
    (await openSqliteStore(file)).close();
    const child = spawnTs(WORKER, [file, workspace, 'killed']);
    children.push(child);
    const watch = watchChild(child);
    await waitForLine(watch, 'executing');
    child.kill('SIGKILL');
    await watch.exited;

    const store = await openSqliteStore(file);
    try {
      const before = await store.readEvents('killed');
      const claim = before.find((e) => e.type === 'session.claimed');
      expect(claim).toMatchObject({ host: hostname(), pid: child.pid });
      // The claim has most of its 30 s left: only the dead pid lets this engine in.
      expect(Date.parse((claim as { until: string }).until)).toBeGreaterThan(Date.now());

      const h = await makeHarness({ store, workspace });
      const handle = await h.hub.resume('killed');
      const { session, error } = await handle.result;
      expect(error).toBeUndefined();
      expect(session.state).toBe('succeeded');
      expect(h.executor.calls.map((c) => c.attempt)).toEqual([0]);
      expect(h.planner.calls).toHaveLength(0);
      const log = await store.readEvents('killed');
      expectSoundLog(log);
      expect(finishedSteps(log)).toEqual(['plan:0', 'execute:0', 'verify:0']);
      const owners = log.flatMap((e) => (e.type === 'session.claimed' ? [e.owner] : []));
      expect(owners.at(-1)).toBe(h.hub.engineId);
    } finally {
      store.close();
    }
  });

  it('takes over a claim whose pid now belongs to another process (a different start time)', async () => {
    const me = thisHolder();
    if (!me.proc) return expect(process.platform).not.toBe('linux');
    const pid = liveProcess();
    const [boot, ns] = me.proc.split(':');
    const store = await claimedBy({ host: me.host, pid, proc: `${boot}:${ns}:1` });
    const h = await makeHarness({ store });
    const { session } = await (await h.hub.resume('claimed')).result;
    expect(session.state).toBe('succeeded');
  });
});

describe('a claim that still blocks', () => {
  it('refuses while the holder process on this host is alive', async () => {
    const pid = liveProcess();
    const store = await claimedBy({ host: hostname(), pid });
    const h = await makeHarness({ store });
    await expect(h.hub.resume('claimed')).rejects.toMatchObject({ code: 'session.owned_elsewhere' });
  });

  it('refuses a claim of another host, even with a pid that is not alive here', async () => {
    const store = await claimedBy({ host: `${hostname()}-elsewhere`, pid: 2 ** 22 + 17 });
    const h = await makeHarness({ store });
    const refused = await h.hub.resume('claimed').catch((e: unknown) => e);
    expect(SessionStateError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({ code: 'session.owned_elsewhere' });
  });

  it('refuses a claim of this host in another pid namespace (another container)', async () => {
    const me = thisHolder();
    if (!me.proc) return expect(process.platform).not.toBe('linux');
    const [boot, , start] = me.proc.split(':');
    const store = await claimedBy({ host: me.host, pid: 2 ** 22 + 17, proc: `${boot}:1:${start}` });
    const h = await makeHarness({ store });
    await expect(h.hub.resume('claimed')).rejects.toMatchObject({ code: 'session.owned_elsewhere' });
  });

  it('refuses a claim written without a holder (an older engine) until it runs out', async () => {
    const store = await claimedBy({});
    const h = await makeHarness({ store });
    await expect(h.hub.resume('claimed')).rejects.toMatchObject({ code: 'session.owned_elsewhere' });
  });
});
