/**
 * Concurrent calls on one session (issue 10 items 1–5): one driver per session, no lost decision,
 * one owner across engines.
 */
import { MemoryStore, type SessionEvent, SessionStateError, StoreError } from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, sampleInstruction, waitForAbort } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { CrashingStore } from './support/crashing-store.js';
import { expectSoundLog, makeHarness } from './support/harness.js';

/** A promise with its resolver. */
function signalled() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A session waiting for approval on a first engine that then died (its claim left to run out). */
async function waitingSessionOfDeadEngine() {
  const store = new MemoryStore();
  const dying = new CrashingStore(store);
  const first = await makeHarness({ store: dying, policy: { requireApproval: true } });
  const handle = await first.hub.run({ request: 'Greet visitors by name' });
  for await (const e of handle.events) if (e.type === 'approval.requested') break;
  dying.kill();
  handle.cancel();
  await handle.result.catch(() => undefined);
  return { store, workspace: first.workspace, id: handle.id };
}

/** An engine whose clock is past the dead engine's claim. */
const later = () => Date.now() + 60_000;

describe('engine: one driver per session on one engine', () => {
  it('two concurrent resume() calls share one driver: each actor runs once, one ending (item 1)', async () => {
    const { store, workspace, id } = await waitingSessionOfDeadEngine();
    const h = await makeHarness({ store, workspace, now: later, policy: { requireApproval: true } });
    const [a, b] = await Promise.all([h.hub.resume(id), h.hub.resume(id)]);
    expect(a).toBe(b);
    await h.hub.approve(id);
    expect((await a.result).session.state).toBe('succeeded');
    expect(h.executor.calls).toHaveLength(1);
    expect(h.verifier.calls).toHaveLength(1);
    expectSoundLog(await store.readEvents(id));
  });

  it('approve(), reject() and cancel() racing on an engine that does not run the session drive it once (item 1)', async () => {
    const { store, workspace, id } = await waitingSessionOfDeadEngine();
    const h = await makeHarness({ store, workspace, now: later, policy: { requireApproval: true } });
    const outcomes = await Promise.allSettled([h.hub.approve(id), h.hub.approve(id), h.hub.reject(id, 'no')]);
    // Exactly one decision is accepted; the others are refused with a typed error.
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(SessionStateError.isInstance(o.reason)).toBe(true);
    await h.hub.idle();
    const events = await store.readEvents(id);
    expectSoundLog(events);
    expect(events.filter((e) => e.type === 'approval.resolved')).toHaveLength(1);
    expect(h.executor.calls.length).toBeLessThanOrEqual(1);
  });

  it('cancel() while the same engine is still loading a resume cancels the session (item 2)', async () => {
    const { store, workspace, id } = await waitingSessionOfDeadEngine();
    const h = await makeHarness({ store, workspace, now: later, policy: { requireApproval: true } });
    const resuming = h.hub.resume(id);
    await h.hub.cancel(id);
    const result = await (await resuming).result;
    expect(result.session.state).toBe('cancelled');
    expect((await store.getSession(id))?.state).toBe('cancelled');
    expect(h.executor.calls).toHaveLength(0);
    expectSoundLog(await store.readEvents(id));
  });

  it('approve() while the same engine is still loading a resume takes effect (item 3)', async () => {
    const { store, workspace, id } = await waitingSessionOfDeadEngine();
    const h = await makeHarness({ store, workspace, now: later, policy: { requireApproval: true } });
    const resuming = h.hub.resume(id);
    await h.hub.approve(id);
    const result = await (await resuming).result;
    expect(result.session.state).toBe('succeeded');
    expect(h.executor.calls).toHaveLength(1);
  });

  it('approve() from an approval.requested listener approves (item 4)', async () => {
    const h = await makeHarness({ policy: { requireApproval: true } });
    const approvals: Array<Promise<void>> = [];
    h.hub.emitter.on('approval.requested', (e) => {
      approvals.push(h.hub.approve(e.sessionId));
    });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.state).toBe('succeeded');
    await expect(Promise.all(approvals)).resolves.toBeDefined();
    expect(approvals).toHaveLength(1);
  });

  it('approve() from a fast consumer of handle.events approves (item 4)', async () => {
    const h = await makeHarness({ policy: { requireApproval: true } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const seen: SessionEvent['type'][] = [];
    for await (const e of handle.events) {
      seen.push(e.type);
      if (e.type === 'approval.requested') await h.hub.approve(handle.id);
    }
    expect(seen).toContain('approval.resolved');
    expect((await handle.result).session.state).toBe('succeeded');
  });

  it('approve() during cancellation is refused, not reported as a success', async () => {
    const started = signalled();
    const planner = new ScriptedPlanner({
      fallback: async (_i, _c, { signal }) => {
        started.resolve();
        return waitForAbort(signal);
      },
    });
    const h = await makeHarness({ planner, policy: { requireApproval: true } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await started.promise;
    handle.cancel();
    await expect(h.hub.approve(handle.id)).rejects.toMatchObject({ code: 'session.invalid_state' });
    expect((await handle.result).session.state).toBe('cancelled');
  });

  it('an onApproval callback that throws fails the session with approval.callback_failed', async () => {
    const h = await makeHarness({
      policy: { requireApproval: true },
      onApproval: async () => {
        throw new Error('the chat service is down');
      },
    });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.session.state).toBe('failed');
    expect(result.error).toMatchObject({ code: 'approval.callback_failed' });
    expect(result.error?.message).toContain('the chat service is down');
    expect(h.executor.calls).toHaveLength(0);
    expectSoundLog(await h.store.readEvents(result.session.id));
  });
});

describe('engine: run with a chosen session id (an idempotency key)', () => {
  it('a second run with the same id, on any engine, is refused with store.conflict and changes nothing', async () => {
    const store = new MemoryStore();
    const first = await makeHarness({ store, policy: { requireApproval: true } });
    const handle = await first.hub.run({ request: 'Greet visitors by name' }, { sessionId: 'delivery-7f3a' });
    expect(handle.id).toBe('delivery-7f3a');
    for await (const e of handle.events) if (e.type === 'approval.requested') break;
    const before = await store.readEvents(handle.id);

    const second = await makeHarness({ store, workspace: first.workspace });
    for (const hub of [first.hub, second.hub]) {
      const refused = await hub.run({ request: 'Something else' }, { sessionId: 'delivery-7f3a' }).catch((e) => e);
      expect(StoreError.isInstance(refused)).toBe(true);
      expect(refused).toMatchObject({ code: 'store.conflict' });
    }
    expect(await store.readEvents(handle.id)).toEqual(before);
    expect((await store.getSession(handle.id))?.input).toMatchObject({ request: 'Greet visitors by name' });
    expect(second.planner.calls).toHaveLength(0);

    await first.hub.approve(handle.id);
    expect((await handle.result).session.state).toBe('succeeded');
    expect(first.planner.calls).toHaveLength(1);
    expectSoundLog(await store.readEvents(handle.id));
  });
});

describe('engine: one owner per session across engines (item 5)', () => {
  it('a second engine cannot drive a session the first still runs; its approve is recorded and the first applies it', async () => {
    const store = new MemoryStore();
    const first = await makeHarness({ store, policy: { requireApproval: true } });
    const handle = await first.hub.run({ request: 'Greet visitors by name' });
    for await (const e of handle.events) if (e.type === 'approval.requested') break;
    const second = await makeHarness({ store, workspace: first.workspace, policy: { requireApproval: true } });
    await expect(second.hub.resume(handle.id)).rejects.toMatchObject({ code: 'session.owned_elsewhere' });
    await second.hub.approve(handle.id);
    // Recorded, not applied by the caller: a second decision is refused while the first is pending.
    await expect(second.hub.reject(handle.id)).rejects.toMatchObject({ code: 'session.invalid_state' });
    const result = await handle.result;
    expect(result.session.state).toBe('succeeded');
    expect(first.executor.calls).toHaveLength(1);
    const events = await store.readEvents(handle.id);
    expectSoundLog(events);
    expect(events.some((e) => e.type === 'session.claimed' && e.owner === first.hub.engineId)).toBe(true);
    expect(events.some((e) => e.type === 'session.claimed' && e.owner === second.hub.engineId)).toBe(false);
    const requested = events.findIndex((e) => e.type === 'decision.requested' && e.by === second.hub.engineId);
    const resolved = events.findIndex((e) => e.type === 'approval.resolved' && e.approved);
    expect(requested).toBeGreaterThan(0);
    expect(resolved).toBeGreaterThan(requested);
  });

  it('a reject from another engine fails the waiting session on its owner', async () => {
    const store = new MemoryStore();
    const first = await makeHarness({ store, policy: { requireApproval: true } });
    const handle = await first.hub.run({ request: 'Greet visitors by name' });
    for await (const e of handle.events) if (e.type === 'approval.requested') break;
    const second = await makeHarness({ store, workspace: first.workspace, policy: { requireApproval: true } });
    await second.hub.reject(handle.id, 'not now');
    const { session, error } = await handle.result;
    expect(session.state).toBe('failed');
    expect(error).toMatchObject({ code: 'approval.rejected' });
    expect(first.executor.calls).toHaveLength(0);
    expectSoundLog(await store.readEvents(handle.id));
  });

  it('a cancel from another engine reaches the owner at its next write (a store.conflict it reads past)', async () => {
    const store = new MemoryStore();
    const running = signalled();
    const requested = signalled();
    const executor = new ScriptedExecutor({
      respond: async (_input, _sandbox, opts) => {
        running.resolve();
        await requested.promise;
        // This progress write is conditional on the seq before the request: it conflicts, the owner reads
        // the tail, applies the cancel and writes the progress after it.
        opts.emit({ kind: 'message', message: 'still working' });
        return waitForAbort(opts.signal);
      },
    });
    // A long poll interval (the claim's renewal ticks every second at most): the write gets there first.
    const first = await makeHarness({ store, executor, policy: { decisionPollMs: 60_000 } });
    const handle = await first.hub.run({ request: 'Greet visitors by name' });
    await running.promise;
    const second = await makeHarness({ store, workspace: first.workspace });
    await second.hub.cancel(handle.id);
    requested.resolve();
    const { session } = await handle.result;
    expect(session.state).toBe('cancelled');
    const events = await store.readEvents(handle.id);
    expectSoundLog(events);
    const types = events.map((e) => e.type);
    expect(types.indexOf('decision.requested')).toBeLessThan(types.indexOf('executor.progress'));
  });

  it('a cancel from another engine aborts the step running on the owner', async () => {
    const store = new MemoryStore();
    const running = signalled();
    const executor = new ScriptedExecutor({
      respond: async (_input, _sandbox, opts) => {
        running.resolve();
        // A silent step: nothing it writes would make the owner read its log; only the poll does.
        return waitForAbort(opts.signal);
      },
    });
    const first = await makeHarness({ store, executor, policy: { decisionPollMs: 20 } });
    const handle = await first.hub.run({ request: 'Greet visitors by name' });
    await running.promise;
    const second = await makeHarness({ store, workspace: first.workspace });
    await second.hub.cancel(handle.id);
    const { session, error } = await handle.result;
    expect(session.state).toBe('cancelled');
    expect(error).toMatchObject({ code: 'session.cancelled' });
    const events = await store.readEvents(handle.id);
    expectSoundLog(events);
    expect(events.find((e) => e.type === 'step.failed')).toMatchObject({ stepId: 'execute:0' });
  });

  it('the owner renews its claim while the session waits, so its claim never runs out under it', async () => {
    const store = new MemoryStore();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const options = { store, now: () => clock, policy: { requireApproval: true, leaseMs: 300 } };
    const first = await makeHarness(options);
    const handle = await first.hub.run({ request: 'Greet visitors by name' });
    for await (const e of handle.events) if (e.type === 'approval.requested') break;
    const claims = async () => (await store.readEvents(handle.id)).filter((e) => e.type === 'session.claimed');
    expect(await claims()).toHaveLength(1);
    clock += 250; // the claim (until +300) is due for renewal; the engine's timer renews it
    for (let i = 0; i < 500 && (await claims()).length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await claims()).toHaveLength(2);
    clock += 250; // past the first claim, within the renewed one
    const second = await makeHarness({ ...options, workspace: first.workspace });
    await expect(second.hub.resume(handle.id)).rejects.toMatchObject({ code: 'session.owned_elsewhere' });
    await first.hub.approve(handle.id);
    expect((await handle.result).session.state).toBe('succeeded');
  });

  it('an engine that waits for approval notices a takeover after a stall: its result settles', async () => {
    const store = new MemoryStore();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const options = { store, now: () => clock, policy: { requireApproval: true, leaseMs: 1_000 } };
    const first = await makeHarness(options);
    const handle = await first.hub.run({ request: 'Greet visitors by name' });
    for await (const e of handle.events) if (e.type === 'approval.requested') break;
    clock += 5_000; // a stall longer than the claim: another engine takes the session over
    const second = await makeHarness({ ...options, workspace: first.workspace });
    await second.hub.cancel(handle.id);
    const stale = await handle.result;
    expect(stale.error).toMatchObject({ code: 'session.owned_elsewhere' });
    const events = await store.readEvents(handle.id);
    expectSoundLog(events);
    expect(events[events.length - 1]).toMatchObject({ type: 'session.finished', state: 'cancelled' });
  });

  it('an engine whose claim was taken over stops without writing: its result settles with owned_elsewhere', async () => {
    const store = new MemoryStore();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const running = signalled();
    let release!: () => void;
    const executor = new ScriptedExecutor({
      respond: async () => {
        running.resolve();
        // A stall longer than the claim: the engine cannot renew it meanwhile.
        await new Promise<void>((r) => {
          release = r;
        });
        return {};
      },
    });
    const first = await makeHarness({ store, executor, now: () => clock, policy: { leaseMs: 1_000 } });
    const handle = await first.hub.run({ request: 'Greet visitors by name' });
    await running.promise;
    clock += 5_000;
    const second = await makeHarness({ store, workspace: first.workspace, now: () => clock });
    const taken = await second.hub.resume(handle.id);
    expect((await taken.result).session.state).toBe('succeeded');
    release();
    const stale = await handle.result;
    expect(stale.error).toMatchObject({ code: 'session.owned_elsewhere' });
    const events = await store.readEvents(handle.id);
    expectSoundLog(events);
    expect(events.filter((e) => e.type === 'step.finished' && e.stepId === 'execute:0')).toHaveLength(1);
  });
});

describe('engine: the planner is asked once per plan plus its re-asks', () => {
  it('bills at most 1 + maxPlannerReasks planner calls for a planner that never writes a valid instruction', async () => {
    const planner = new ScriptedPlanner({
      fallback: () => sampleInstruction({ extraRequirementLines: ['```', 'greet()', '```'] }),
    });
    const h = await makeHarness({ planner, policy: { maxPlannerReasks: 2 } });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.error?.code).toBe('boundary.violation');
    expect(planner.calls).toHaveLength(3);
  });
});
