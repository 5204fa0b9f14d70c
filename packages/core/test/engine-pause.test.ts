/**
 * `hub.pause(id)`: a session stops without ending. The step in flight is aborted with a
 * `SessionPausedError` as its signal's reason and gets its `step.failed`, the claim is released, no
 * `session.finished` is written, and the handle's result carries the pause; `resume` on a fresh engine runs
 * the interrupted step again and no finished one. From an engine that does not drive the session, the pause
 * is recorded for the owner (`decision.requested` `pause`), which applies it.
 */
import { MemoryStore, type SessionEvent, SessionPausedError, SessionStateError } from '@sessionhub/core';
import { describe, expect, it } from 'vitest';
import { collect, makeHarness, states } from './support/harness.js';
import { actorsStallingIn, otherEngine } from './support/stalling-actors.js';

function stepIds(events: readonly SessionEvent[], type: 'step.started' | 'step.failed' | 'step.finished'): string[] {
  return events.flatMap((e) => (e.type === type ? [e.stepId] : []));
}

/** A paused log: the interrupted step's `step.failed` with the pause, then the release; no ending. */
function expectPausedLog(log: readonly SessionEvent[], stepId: string, owner: string): void {
  expect(log.some((e) => e.type === 'session.finished')).toBe(false);
  expect(log[log.length - 2]).toMatchObject({ type: 'step.failed', stepId, error: { code: 'session.paused' } });
  expect(log[log.length - 1]).toMatchObject({ type: 'session.released', owner });
}

/** A session that paused once and then completed: gap-free, one creation, one ending, last. */
function expectResumedLog(events: readonly SessionEvent[]): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
  expect(events.filter((e) => e.type === 'session.created')).toHaveLength(1);
  expect(events.filter((e) => e.type === 'session.finished')).toHaveLength(1);
  expect(events[events.length - 1]).toMatchObject({ type: 'session.finished', state: 'succeeded' });
}

const PHASES = [
  { phase: 'planning', step: 'plan:0' },
  { phase: 'executing', step: 'execute:0' },
  { phase: 'verifying', step: 'verify:0' },
] as const;

describe('engine: pause without ending', () => {
  for (const { phase, step } of PHASES) {
    it(`pauses in ${phase}; a fresh engine resumes it and runs only the interrupted step again`, async () => {
      const store = new MemoryStore();
      const actors = actorsStallingIn(phase);
      const h = await makeHarness({ store, ...actors });
      const handle = await h.hub.run({ request: 'Greet visitors by name' });
      await actors.running;

      await h.hub.pause(handle.id);
      // The actor's signal carries the pause, typed.
      expect(SessionPausedError.isInstance(actors.reason())).toBe(true);
      const paused = await handle.result;
      expect(SessionPausedError.isInstance(paused.error)).toBe(true);
      expect(paused.error?.code).toBe('session.paused');
      expect(paused.session.state).toBe(phase);
      expect(paused.session.error?.code).toBe('session.paused');
      expect((await store.getSession(handle.id))?.state).toBe(phase);
      const log = await store.readEvents(handle.id);
      expectPausedLog(log, step, h.hub.engineId);
      expect(await collect(handle.events)).toEqual(log);
      expect(h.sandboxes.created.every((sb) => sb.isDisposed)).toBe(true);
      const calls = [actors.planner.calls.length, actors.executor.calls.length, actors.verifier.calls.length];

      const fresh = otherEngine(store, h.workspace, actors);
      const done = await (await fresh.resume(handle.id)).result;
      expect(done.error).toBeUndefined();
      expect(done.session.state).toBe('succeeded');
      expect(done.session.error).toBeUndefined();
      expect((await store.getSession(handle.id))?.error).toBeUndefined();

      const events = await store.readEvents(handle.id);
      expectResumedLog(events);
      expect(stepIds(events, 'step.failed')).toEqual([step]);
      expect(stepIds(events, 'step.finished')).toEqual(['plan:0', 'execute:0', 'verify:0']);
      const started = stepIds(events, 'step.started');
      expect(started.filter((id) => id === step)).toHaveLength(2);
      expect(new Set(started)).toEqual(new Set(['plan:0', 'execute:0', 'verify:0']));
      expect(states(events)).toEqual(['planning', 'executing', 'verifying', 'succeeded']);
      // Each actor ran once per finished step: the interrupted one twice in all, the ones before it not again.
      const runs = { planning: 0, executing: 1, verifying: 2 } as const;
      const expected = [1, 1, 1].map((n, i) => (i === runs[phase] ? n + 1 : n));
      expect([actors.planner.calls.length, actors.executor.calls.length, actors.verifier.calls.length]).toEqual(
        expected,
      );
      // Nothing ran after the pause on the first engine.
      expect(calls).toEqual(expected.map((n, i) => (i === runs[phase] ? n - 1 : i < runs[phase] ? n : 0)));
    });
  }

  it('pauses a session waiting for approval; after a resume it waits again and an approval finishes it', async () => {
    const store = new MemoryStore();
    const actors = actorsStallingIn('created');
    const h = await makeHarness({ store, ...actors, policy: { requireApproval: true } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    for await (const e of handle.events) if (e.type === 'approval.requested') break;

    await h.hub.pause(handle.id);
    const paused = await handle.result;
    expect(paused.session.state).toBe('awaiting_approval');
    expectPausedLog(await store.readEvents(handle.id), 'approve:0', h.hub.engineId);

    const fresh = otherEngine(store, h.workspace, actors, true);
    const resumed = await fresh.resume(handle.id);
    await fresh.approve(handle.id);
    const done = await resumed.result;
    expect(done.session.state).toBe('succeeded');
    const events = await store.readEvents(handle.id);
    expectResumedLog(events);
    expect(events.filter((e) => e.type === 'approval.resolved')).toHaveLength(1);
    expect(actors.planner.calls).toHaveLength(1);
  });

  it('pauses a session still queued for a slot; a resume runs it from the start', async () => {
    const store = new MemoryStore();
    const actors = actorsStallingIn('executing');
    const h = await makeHarness({ store, ...actors, policy: { concurrency: 1 } });
    const first = await h.hub.run({ request: 'Greet visitors by name' });
    await actors.running;
    const queued = await h.hub.run({ request: 'Greet admins by name' });

    await h.hub.pause(queued.id);
    const paused = await queued.result;
    expect(paused.session.state).toBe('created');
    expect(SessionPausedError.isInstance(paused.error)).toBe(true);
    expect((await store.readEvents(queued.id)).map((e) => e.type)).toEqual(['session.created', 'session.released']);
    expect(actors.planner.calls).toHaveLength(1);

    await h.hub.cancel(first.id);
    const done = await (await h.hub.resume(queued.id)).result;
    expect(done.session.state).toBe('succeeded');
    expectResumedLog(await store.readEvents(queued.id));
  });

  it('from a second engine over the same store: recorded for the owner, which pauses the session', async () => {
    const store = new MemoryStore();
    const actors = actorsStallingIn('executing');
    const h = await makeHarness({ store, ...actors, policy: { decisionPollMs: 20 } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await actors.running;
    const second = otherEngine(store, h.workspace, actors);

    // The owner's claim is live: the second engine cannot resume it, but may pause it.
    await expect(second.resume(handle.id)).rejects.toMatchObject({ code: 'session.owned_elsewhere' });
    await second.pause(handle.id);
    const requested = (await store.readEvents(handle.id)).find((e) => e.type === 'decision.requested');
    expect(requested).toMatchObject({ decision: 'pause', by: second.engineId });

    const paused = await handle.result;
    expect(SessionPausedError.isInstance(paused.error)).toBe(true);
    expect(paused.error?.message).toContain(second.engineId);
    expect(SessionPausedError.isInstance(actors.reason())).toBe(true);
    expect(paused.session.state).toBe('executing');
    const log = await store.readEvents(handle.id);
    expectPausedLog(log, 'execute:0', h.hub.engineId);
    expect(log.findIndex((e) => e.type === 'decision.requested')).toBeLessThan(log.length - 2);

    // Released: the second engine resumes it at once, and it finishes.
    const done = await (await second.resume(handle.id)).result;
    expect(done.session.state).toBe('succeeded');
    expectResumedLog(await store.readEvents(handle.id));
    expect(actors.executor.calls).toHaveLength(2);
    expect(actors.planner.calls).toHaveLength(1);
  });

  it('refuses what cannot pause: unknown, not running anywhere, ended; with typed errors and nothing written', async () => {
    const store = new MemoryStore();
    const actors = actorsStallingIn('executing');
    const h = await makeHarness({ store, ...actors });
    await expect(h.hub.pause('no-such-session')).rejects.toMatchObject({ code: 'session.not_found' });

    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await actors.running;
    await h.hub.pause(handle.id);
    await handle.result;
    const log = await store.readEvents(handle.id);
    // Paused already: no engine drives it.
    const notRunning = await h.hub.pause(handle.id).catch((e: unknown) => e);
    expect(SessionStateError.isInstance(notRunning)).toBe(true);
    expect(notRunning).toMatchObject({ code: 'session.not_running' });
    await expect(otherEngine(store, h.workspace, actors).pause(handle.id)).rejects.toMatchObject({
      code: 'session.not_running',
    });
    expect(await store.readEvents(handle.id)).toEqual(log);

    const done = await (await h.hub.resume(handle.id)).result;
    expect(done.session.state).toBe('succeeded');
    const ended = await h.hub.pause(handle.id).catch((e: unknown) => e);
    expect(SessionStateError.isInstance(ended)).toBe(true);
    expect(ended).toMatchObject({ code: 'session.invalid_state' });
    await expect(otherEngine(store, h.workspace, actors).pause(handle.id)).rejects.toMatchObject({
      code: 'session.invalid_state',
    });
  });

  it('a cancel that meets a session pausing on its engine still cancels it', async () => {
    const store = new MemoryStore();
    const actors = actorsStallingIn('executing');
    const h = await makeHarness({ store, ...actors });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await actors.running;
    const pausing = h.hub.pause(handle.id);
    await h.hub.cancel(handle.id);
    await pausing;
    expect((await store.getSession(handle.id))?.state).toBe('cancelled');
    const log = await store.readEvents(handle.id);
    expect(log[log.length - 1]).toMatchObject({ type: 'session.finished', state: 'cancelled' });
  });
});
