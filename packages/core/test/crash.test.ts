/**
 * Crash at every step boundary: the N-th store append of a full session (approval, a boundary
 * re-ask, executor progress, a fix loop, the Foundation update) fails as if the process died;
 * a fresh engine over the same store resumes the session, which then completes exactly once.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, type SessionEvent, type Store } from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, ScriptedVerifier, sampleInstruction } from '@sessionhub/core/testing';
import { parseFoundation } from '@sessionhub/format';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { CrashingStore, SimulatedCrash } from './support/crashing-store.js';
import { expectSoundLog, FOUNDATION_1_0, finishedSteps, makeHarness } from './support/harness.js';

const SESSION_ID = 'crash-session';

/** Fresh actors that behave the same for the same step, whichever engine calls them. */
function actors() {
  const planner = new ScriptedPlanner({
    fallback: (input) =>
      input.kind === 'initial' && !input.rejected
        ? sampleInstruction({ version: '1.1', extraRequirementLines: ['```', 'greet()', '```'] })
        : sampleInstruction({ version: '1.1' }),
  });
  const executor = new ScriptedExecutor({
    writes: { 'greeting.txt': 'Hello, Ada\n' },
    progress: [{ kind: 'file_change', message: 'wrote greeting.txt' }],
  });
  const verifier = new ScriptedVerifier([false, true]);
  return { planner, executor, verifier };
}

type Actors = ReturnType<typeof actors>;

/** The step id each recorded actor call belongs to. */
function calledSteps(a: Actors): string[] {
  return [
    ...a.planner.calls.map((c) => `plan:${c.attempt}`),
    ...a.executor.calls.map((c) => `execute:${c.attempt}`),
    ...a.verifier.calls.map((c) => `verify:${c.attempt}`),
  ];
}

/** A fresh engine comes up after the dead one's claim on the session has run out (default 30 s). */
const afterClaimRanOut = () => Date.now() + 60_000;

async function engine(store: Store, workspace: string | undefined, a: Actors, later = false) {
  return makeHarness({
    store,
    ...(later ? { now: afterClaimRanOut } : {}),
    ...(workspace ? { workspace } : { foundation: FOUNDATION_1_0 }),
    ...a,
    generateId: () => SESSION_ID,
    policy: { requireApproval: true, maxFixAttempts: 2 },
    onApproval: async () => true,
  });
}

/** Log without executor progress (a re-run step reports its progress again) and claims, as comparable tuples. */
function shape(events: readonly SessionEvent[]): string[] {
  return events
    .filter((e) => e.type !== 'executor.progress' && e.type !== 'session.claimed')
    .map((e) => `${e.type}${'stepId' in e ? ` ${e.stepId}` : ''}${e.type === 'state.changed' ? ` ${e.to}` : ''}`);
}

const sqliteDirs: string[] = [];
afterAll(() => Promise.all(sqliteDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** The stores a crash is tried on: in memory, and a SQLite file (its appends carry the record update). */
const STORES: Array<[string, () => Promise<Store>]> = [
  ['memory', async () => new MemoryStore()],
  [
    'sqlite',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sessionhub-crash-'));
      sqliteDirs.push(dir);
      return openSqliteStore({ path: join(dir, 'store.db') });
    },
  ],
];

describe.each(STORES)('crash at every step boundary, then resume on a fresh engine (%s)', async (_name, openStore) => {
  // The reference: one uninterrupted run, counting its appends.
  const refStore = new CrashingStore(await openStore());
  const ref = await engine(refStore, undefined, actors());
  await (await ref.hub.run({ request: 'Greet visitors by name' })).result;
  const reference = await refStore.readEvents(SESSION_ID);
  const totalAppends = refStore.appends;

  it('has a reference run that exercises every kind of step', () => {
    expectSoundLog(reference);
    expect(finishedSteps(reference)).toEqual([
      'plan:0',
      'approve:0',
      'execute:0',
      'verify:0',
      'plan:1',
      'execute:1',
      'verify:1',
      'foundation:0',
    ]);
    expect(reference.some((e) => e.type === 'planner.reask')).toBe(true);
    expect(totalAppends).toBeGreaterThan(10);
    // Both stores write the record update with its append, so every crash point is one of those writes or a plain append.
    expect(refStore.combinedAppends).toBeGreaterThan(5);
  });

  for (let n = 1; n <= totalAppends; n++) {
    it(`crash at append ${n} of ${totalAppends}`, async () => {
      const base = await openStore();
      const crashing = new CrashingStore(base, n);
      const first = actors();
      const h1 = await engine(crashing, undefined, first);
      try {
        const handle = await h1.hub.run({ request: 'Greet visitors by name' });
        await handle.result;
        expect.unreachable('the session should have crashed');
      } catch (err) {
        expect(err).toBeInstanceOf(SimulatedCrash);
      }
      await h1.hub.idle();
      const beforeResume = await base.readEvents(SESSION_ID);
      const doneBefore = new Set(finishedSteps(beforeResume));

      const second = actors();
      const h2 = await engine(base, h1.workspace, second, true);
      const result = await (await h2.hub.resume(SESSION_ID)).result;
      expect(result.error).toBeUndefined();
      expect(result.session.state).toBe('succeeded');

      const events = await base.readEvents(SESSION_ID);
      expectSoundLog(events);
      expect(shape(events)).toEqual(shape(reference));
      expect(events.some((e) => e.type === 'executor.progress')).toBe(true);
      // No finished step's actor ran again; at most the step in flight ran twice.
      for (const step of calledSteps(second)) expect(doneBefore.has(step)).toBe(false);
      const inFlight = new Set(calledSteps(first).filter((s) => !doneBefore.has(s)));
      expect(inFlight.size).toBeLessThanOrEqual(1);
      // The Foundation moved to 1.1 once, recorded once.
      const foundation = await readFile(join(h1.workspace, 'FOUNDATION.md'), 'utf8');
      const log = parseFoundation(foundation).document.log.map((e) => e.version.text);
      expect(log).toEqual(['1.1']);
      expect(await base.listFoundationVersions()).toHaveLength(1);
      expect((await base.getSession(SESSION_ID))?.state).toBe('succeeded');
      // Resuming a finished session changes nothing.
      const again = await (await h2.hub.resume(SESSION_ID)).result;
      expect(again.session.state).toBe('succeeded');
      expect(await base.readEvents(SESSION_ID)).toHaveLength(events.length);
    });
  }
});

describe('resume repairs a session record left behind its log', () => {
  it('sets the record to the state the log ended in', async () => {
    const h = await makeHarness();
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await handle.result;
    // As if the process died between the final append and the record update.
    await h.store.updateSession(handle.id, { state: 'verifying' });
    const fresh = await makeHarness({ store: h.store, workspace: h.workspace });
    const result = await (await fresh.hub.resume(handle.id)).result;
    expect(result.session.state).toBe('succeeded');
    expect(result.verdict?.passed).toBe(true);
    expect(result.report?.changedFiles).toEqual(['greeting.txt']);
    expect((await h.store.getSession(handle.id))?.state).toBe('succeeded');
    expect(fresh.executor.calls).toHaveLength(0);
  });
});
