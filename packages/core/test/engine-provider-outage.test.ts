/**
 * A provider outage that outlasts the SDK's retries (a retryable `ProviderError`) pauses the session:
 * the result carries the typed error, the session keeps its phase with `error` set, the log has the
 * interrupted step's `step.failed` and no `session.finished`, and `resume` on a fresh engine runs that
 * step again. A non-retryable provider error still fails the session.
 */
import { createSessionHub, MemoryStore, ProviderError, type SessionEvent } from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, ScriptedVerifier } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { DirSandboxProvider } from './support/dir-sandbox.js';
import { collect, expectSoundLog, makeHarness, states } from './support/harness.js';

/**
 * The log of a session that paused and was resumed: gap-free, one `session.created`, one final
 * `session.finished`. (An interrupted step is started again after its `step.failed`, so step ids repeat.)
 */
function expectResumedLog(events: readonly SessionEvent[]): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
  expect(events[0]?.type).toBe('session.created');
  expect(events.filter((e) => e.type === 'session.created')).toHaveLength(1);
  expect(events.filter((e) => e.type === 'session.finished')).toHaveLength(1);
  expect(events[events.length - 1]?.type).toBe('session.finished');
}

function overloaded(): ProviderError {
  return new ProviderError('provider.overloaded', 'the model is overloaded (529) after 3 attempts', {
    status: 529,
    retryable: true,
  });
}

function stepEvents(events: readonly SessionEvent[], type: 'step.started' | 'step.failed' | 'step.finished') {
  return events.flatMap((e) => (e.type === type ? [e.stepId] : []));
}

describe('engine: a retryable provider failure leaves the session resumable', () => {
  it('pauses in planning with the typed error, then a fresh engine resumes it to success', async () => {
    const store = new MemoryStore();
    const planner = new ScriptedPlanner({
      script: [
        () => {
          throw overloaded();
        },
      ],
    });
    const h = await makeHarness({ store, planner });
    const handle = await h.hub.run({ request: 'greet visitors by name' });
    const paused = await handle.result;

    expect(paused.error).toBeInstanceOf(ProviderError);
    expect(paused.error).toMatchObject({ code: 'provider.overloaded', retryable: true, status: 529 });
    expect(paused.session.state).toBe('planning');
    expect(paused.session.error).toEqual({ code: 'provider.overloaded', message: paused.error?.message });
    const stored = await store.getSession(handle.id);
    expect(stored?.state).toBe('planning');
    expect(stored?.error?.code).toBe('provider.overloaded');

    const log = await store.readEvents(handle.id);
    expect(log.some((e) => e.type === 'session.finished')).toBe(false);
    expect(log[log.length - 2]).toMatchObject({
      type: 'step.failed',
      stepId: 'plan:0',
      step: 'plan',
      error: { code: 'provider.overloaded' },
    });
    // The engine lets the session go: any engine may resume it at once.
    expect(log[log.length - 1]).toMatchObject({ type: 'session.released', owner: h.hub.engineId });
    // The event stream of a paused session ends instead of waiting for events that will not come.
    expect(await collect(h.hub.events(handle.id))).toEqual(log);
    expect(await collect(handle.events)).toEqual(log);

    // A fresh engine over the same store runs the interrupted step again, and the session completes.
    const executor = new ScriptedExecutor();
    const verifier = new ScriptedVerifier();
    const fresh = createSessionHub({
      env: {},
      planner,
      executor,
      verifier,
      store,
      sandbox: new DirSandboxProvider(),
      workspace: h.workspace,
      policy: { foundation: 'skip' },
    });
    const resumed = await (await fresh.resume(handle.id)).result;
    expect(resumed.error).toBeUndefined();
    expect(resumed.session.state).toBe('succeeded');
    expect(resumed.session.error).toBeUndefined();
    expect((await store.getSession(handle.id))?.error).toBeUndefined();
    expect(planner.calls).toHaveLength(2);
    expect(executor.calls).toHaveLength(1);

    const events = await store.readEvents(handle.id);
    expectResumedLog(events);
    expect(stepEvents(events, 'step.started')).toEqual(['plan:0', 'plan:0', 'execute:0', 'verify:0']);
    expect(stepEvents(events, 'step.failed')).toEqual(['plan:0']);
    expect(stepEvents(events, 'step.finished')).toEqual(['plan:0', 'execute:0', 'verify:0']);
    expect(states(events)).toEqual(['planning', 'executing', 'verifying', 'succeeded']);
  });

  it('pauses in executing without re-running the finished plan on resume', async () => {
    const store = new MemoryStore();
    let failures = 2;
    const executor = new ScriptedExecutor({
      respond: () => {
        if (failures-- > 0) throw overloaded();
        return {};
      },
    });
    const h = await makeHarness({ store, executor });

    const first = await (await h.hub.run({ request: 'greet visitors by name' })).result;
    const id = first.session.id;
    expect(first.error).toMatchObject({ code: 'provider.overloaded', retryable: true });
    expect(first.session.state).toBe('executing');
    expect(first.session.instruction).toContain('Session 1.1');

    // Still down: the session pauses again, in the same phase.
    const second = await (await h.hub.resume(id)).result;
    expect(second.error).toBeInstanceOf(ProviderError);
    expect(second.session.state).toBe('executing');

    const third = await (await h.hub.resume(id)).result;
    expect(third.session.state).toBe('succeeded');
    expect(third.error).toBeUndefined();
    expect(h.planner.calls).toHaveLength(1);
    expect(executor.calls).toHaveLength(3);
    expect(h.sandboxes.created.every((sb) => sb.isDisposed)).toBe(true);

    const events = await store.readEvents(id);
    expectResumedLog(events);
    expect(stepEvents(events, 'step.started')).toEqual(['plan:0', 'execute:0', 'execute:0', 'execute:0', 'verify:0']);
    expect(stepEvents(events, 'step.failed')).toEqual(['execute:0', 'execute:0']);
  });

  it('still fails the session on a provider error that is not retryable', async () => {
    const planner = new ScriptedPlanner({
      script: [
        () => {
          throw new ProviderError('provider.auth', 'the API key was refused', { status: 401, retryable: false });
        },
      ],
    });
    const h = await makeHarness({ planner });
    const handle = await h.hub.run({ request: 'greet visitors by name' });
    const result = await handle.result;
    expect(result.error).toMatchObject({ code: 'provider.auth', retryable: false });
    expect(result.session.state).toBe('failed');
    const events = await collect(handle.events);
    expectSoundLog(events);
    expect(events[events.length - 1]).toMatchObject({
      type: 'session.finished',
      state: 'failed',
      error: { code: 'provider.auth' },
    });
  });
});
