import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CancelledError, CommandVerifier, MemoryStore, type SessionHandle } from '@sessionhub/core';
import {
  ScriptedExecutor,
  ScriptedPlanner,
  ScriptedVerifier,
  sampleInstruction,
  waitForAbort,
} from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { CrashingStore } from './support/crashing-store.js';
import { expectSoundLog, type Harness, makeHarness, states } from './support/harness.js';

/** A promise with its resolver, to learn that an actor is running. */
function signalled() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function expectCancelled(h: Harness, handle: SessionHandle, lastState: string, othersRunning = false) {
  const result = await handle.result;
  expect(result.session.state).toBe('cancelled');
  expect(result.error).toBeInstanceOf(CancelledError);
  expect(result.error?.code).toBe('session.cancelled');
  const events = await h.store.readEvents(handle.id);
  expectSoundLog(events);
  const s = states(events);
  expect(s[s.length - 2] ?? 'created').toBe(lastState);
  expect(s[s.length - 1]).toBe('cancelled');
  if (!othersRunning) expect(h.sandboxes.created.every((sb) => sb.isDisposed)).toBe(true);
  expect((await h.hub.get(handle.id))?.state).toBe('cancelled');
}

describe('engine: cancellation in every phase', () => {
  it('while queued (created)', async () => {
    const busy = signalled();
    const executor = new ScriptedExecutor({
      respond: async (_i, _s, opts) => {
        busy.resolve();
        return waitForAbort(opts.signal);
      },
    });
    const h = await makeHarness({ executor, policy: { concurrency: 1 } });
    const first = await h.hub.run({ request: 'Greet visitors by name' });
    await busy.promise;
    const queued = await h.hub.run({ request: 'Greet admins by name' });
    queued.cancel();
    await expectCancelled(h, queued, 'created', true);
    expect(h.planner.calls).toHaveLength(1);
    await h.hub.cancel(first.id);
    await expectCancelled(h, first, 'executing');
  });

  it('while planning: the signal reaches the planner', async () => {
    const running = signalled();
    let plannerSignal: AbortSignal | undefined;
    const planner = new ScriptedPlanner({
      fallback: (_input, _call, { signal }) => {
        plannerSignal = signal;
        running.resolve();
        return waitForAbort(signal);
      },
    });
    const h = await makeHarness({ planner });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await running.promise;
    await h.hub.cancel(handle.id);
    await expectCancelled(h, handle, 'planning');
    expect(plannerSignal?.aborted).toBe(true);
    const events = await h.store.readEvents(handle.id);
    expect(events.some((e) => e.type === 'step.failed' && e.stepId === 'plan:0')).toBe(true);
  });

  it('while awaiting approval', async () => {
    const h = await makeHarness({ policy: { requireApproval: true } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    for await (const e of handle.events) if (e.type === 'approval.requested') break;
    handle.cancel();
    await expectCancelled(h, handle, 'awaiting_approval');
    expect(h.executor.calls).toHaveLength(0);
  });

  it('while executing: the sandbox command is killed', async () => {
    const running = signalled();
    const executor = new ScriptedExecutor({
      respond: async (_input, sandbox, opts) => {
        const pending = sandbox.exec('echo $$ > pid.txt; exec sleep 30', { signal: opts.signal });
        running.resolve();
        await pending;
        return {};
      },
    });
    const h = await makeHarness({ executor });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await running.promise;
    // Wait until the shell has really started.
    let pid = Number.NaN;
    while (Number.isNaN(pid)) {
      pid = Number.parseInt(await readFile(join(h.workspace, 'pid.txt'), 'utf8').catch(() => ''), 10);
      if (Number.isNaN(pid)) await new Promise((r) => setTimeout(r, 10));
    }
    handle.cancel();
    await expectCancelled(h, handle, 'executing');
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('while verifying: the gate command is killed', async () => {
    const verifier = new CommandVerifier({ gates: [{ name: 'slow', command: 'echo $$ > gate.pid; exec sleep 30' }] });
    const h = await makeHarness({ realVerifier: verifier });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    for await (const e of handle.events) if (e.type === 'step.started' && e.step === 'verify') break;
    let pid = Number.NaN;
    while (Number.isNaN(pid)) {
      pid = Number.parseInt(await readFile(join(h.workspace, 'gate.pid'), 'utf8').catch(() => ''), 10);
      if (Number.isNaN(pid)) await new Promise((r) => setTimeout(r, 10));
    }
    handle.cancel();
    await expectCancelled(h, handle, 'verifying');
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('while fixing', async () => {
    const running = signalled();
    const planner = new ScriptedPlanner({
      fallback: (input, _call, { signal }) => {
        if (input.kind === 'initial') return sampleInstruction();
        running.resolve();
        return waitForAbort(signal);
      },
    });
    const h = await makeHarness({ planner, verifier: new ScriptedVerifier([false]) });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await running.promise;
    handle.cancel();
    await expectCancelled(h, handle, 'fixing');
  });

  it('through the run signal', async () => {
    const controller = new AbortController();
    const running = signalled();
    const planner = new ScriptedPlanner({
      fallback: (_i, _c, { signal }) => {
        running.resolve();
        return waitForAbort(signal);
      },
    });
    const h = await makeHarness({ planner });
    const handle = await h.hub.run({ request: 'Greet visitors by name' }, { signal: controller.signal });
    await running.promise;
    controller.abort();
    await expectCancelled(h, handle, 'planning');
  });

  it('of a session no engine runs any more', async () => {
    const store = new MemoryStore();
    const dying = new CrashingStore(store);
    const running = signalled();
    const planner = new ScriptedPlanner({
      fallback: (_i, _c, { signal }) => {
        running.resolve();
        return waitForAbort(signal);
      },
    });
    const h1 = await makeHarness({ store: dying, planner });
    const handle = await h1.hub.run({ request: 'Greet visitors by name' });
    await running.promise;
    dying.kill();
    handle.cancel();
    await handle.result.catch(() => undefined);
    // Once the dead engine's claim has run out.
    const h2 = await makeHarness({ store, workspace: h1.workspace, now: () => Date.now() + 60_000 });
    await h2.hub.cancel(handle.id);
    const events = await store.readEvents(handle.id);
    expectSoundLog(events);
    expect(events.some((e) => e.type === 'step.failed' && e.stepId === 'plan:0')).toBe(true);
    expect((await store.getSession(handle.id))?.state).toBe('cancelled');
    expect(h2.planner.calls).toHaveLength(0);
  });
});
