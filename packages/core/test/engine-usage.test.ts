/** Usage recorded as it is incurred, and budgets that pause (issue 9 items 4–5). */
import { BudgetExceededError, MemoryStore, type Usage } from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, ScriptedVerifier, usageOf, waitForAbort } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { CrashingStore } from './support/crashing-store.js';
import { expectSoundLog, makeHarness } from './support/harness.js';

function sum(usages: readonly Usage[]): { tokens: number; cost: number } {
  return {
    tokens: usages.reduce((n, u) => n + u.outputTokens, 0),
    cost: usages.reduce((n, u) => n + u.costUsd, 0),
  };
}

describe('engine: usage written ahead (issue 9 item 4)', () => {
  it('after a crash mid-step and a resume, analytics and the session cost equal everything billed', async () => {
    const billed: Usage[] = [];
    const store = new MemoryStore();
    const dying = new CrashingStore(store);
    let durable!: () => void;
    const reported = new Promise<void>((r) => {
      durable = r;
    });
    // An executor that bills two model calls, reporting each, then is killed with the process.
    const killed = new ScriptedExecutor({
      respond: async (_i, _s, opts) => {
        for (const u of [usageOf(100, 0.1), usageOf(200, 0.2)]) {
          billed.push(u);
          opts.reportUsage?.(u);
        }
        durable();
        return waitForAbort(opts.signal);
      },
    });
    const planner = new ScriptedPlanner({ usage: usageOf(10, 0.01), reportsUsage: true });
    const first = await makeHarness({ store: dying, executor: killed, planner });
    const handle = await first.hub.run({ request: 'Greet visitors by name' });
    await reported;
    // The reports are written before the executor goes on: wait until the store has them, then "SIGKILL".
    for (let i = 0; i < 50; i++) {
      const events = await store.readEvents(handle.id);
      if (events.filter((e) => e.type === 'usage.recorded').length >= 3) break;
      await new Promise((r) => setImmediate(r));
    }
    dying.kill();
    handle.cancel();
    await handle.result.catch(() => undefined);
    billed.push(usageOf(10, 0.01)); // the planner's call

    const resumedExecutor = new ScriptedExecutor({ usage: usageOf(300, 0.3), reportsUsage: true });
    const second = await makeHarness({
      store,
      workspace: first.workspace,
      executor: resumedExecutor,
      now: () => Date.now() + 60_000,
    });
    const result = await (await second.hub.resume(handle.id)).result;
    expect(result.session.state).toBe('succeeded');
    billed.push(usageOf(300, 0.3));

    const expected = sum(billed);
    const analytics = await store.analytics();
    expect(analytics.usage.total.outputTokens).toBe(expected.tokens);
    expect(analytics.usage.total.costUsd).toBeCloseTo(expected.cost, 10);
    const session = await store.getSession(handle.id);
    expect(session?.usage.outputTokens).toBe(expected.tokens);
    expect(session?.usage.costUsd).toBeCloseTo(expected.cost, 10);
    expectSoundLog(await store.readEvents(handle.id));
  });

  it('records only what the final usage adds to the reported usage, never negative', async () => {
    const executor = new ScriptedExecutor({
      respond: (_i, _s, opts) => {
        opts.reportUsage?.(usageOf(100, 0.1));
        return { usage: usageOf(150, 0.15) };
      },
    });
    const h = await makeHarness({ executor });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.usage.outputTokens).toBe(150);
    const recorded = (await h.store.readEvents(handle.id)).flatMap((e) =>
      e.type === 'usage.recorded' && e.phase === 'execution' ? [e.usage.outputTokens] : [],
    );
    expect(recorded).toEqual([100, 50]);
  });

  it('a cost cap stops a runaway executor mid-step through its signal', async () => {
    let calls = 0;
    const executor = new ScriptedExecutor({
      respond: async (_i, _s, opts) => {
        while (!opts.signal.aborted) {
          calls++;
          opts.reportUsage?.(usageOf(10, 0.5));
          await new Promise((r) => setImmediate(r));
        }
        throw opts.signal.reason;
      },
    });
    const h = await makeHarness({ executor, policy: { budgets: { costUsd: 2 }, onBudgetExceeded: 'fail' } });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.session.state).toBe('failed');
    expect(result.error).toBeInstanceOf(BudgetExceededError);
    expect(result.error).toMatchObject({ budget: 'cost', limit: 2 });
    expect(calls).toBe(5);
  });
});

describe('engine: budgets pause for approval (issue 9 item 5)', () => {
  it('pauses in awaiting_approval with the reason; approve(id, { raiseBudget }) continues it', async () => {
    const planner = new ScriptedPlanner({ usage: usageOf(10, 0.4) });
    const executor = new ScriptedExecutor({ usage: usageOf(10, 0.4) });
    const h = await makeHarness({ planner, executor, policy: { budgets: { costUsd: 0.5 } } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const paused = await handle.result;
    expect(paused.session.state).toBe('awaiting_approval');
    expect(paused.error).toMatchObject({ code: 'budget.exceeded', budget: 'cost', limit: 0.5 });
    expect(paused.session.error?.code).toBe('budget.exceeded');
    const log = await h.store.readEvents(handle.id);
    expect(log.find((e) => e.type === 'approval.requested')).toMatchObject({ budget: { budget: 'cost', limit: 0.5 } });
    expect(log.some((e) => e.type === 'session.finished')).toBe(false);
    expect(h.verifier.calls).toHaveLength(0);

    // A plain resume keeps it paused; an approval that does not raise the limit enough is refused.
    expect((await (await h.hub.resume(handle.id)).result).session.state).toBe('awaiting_approval');
    await expect(h.hub.approve(handle.id, { raiseBudget: { costUsd: 0.6 } })).rejects.toMatchObject({
      code: 'budget.still_exceeded',
    });
    await h.hub.approve(handle.id, { raiseBudget: { costUsd: 5 } });
    const resumed = await (await h.hub.resume(handle.id)).result;
    expect(resumed.session.state).toBe('succeeded');
    expect(resumed.session.error).toBeUndefined();
    expect(h.executor.calls).toHaveLength(1);
    expect(h.planner.calls).toHaveLength(1);
    const events = await h.store.readEvents(handle.id);
    expect(events.find((e) => e.type === 'budget.raised')).toMatchObject({ budgets: { costUsd: 5 } });
    expectSoundLog(events);
  });

  it('one budget covers planner, executor and fix rounds; reject() fails a paused session', async () => {
    const planner = new ScriptedPlanner({ usage: usageOf(100) });
    const executor = new ScriptedExecutor({ usage: usageOf(100) });
    const h = await makeHarness({
      planner,
      executor,
      verifier: new ScriptedVerifier([false, false, true]),
      policy: { budgets: { tokens: 450 } },
    });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const paused = await handle.result;
    // plan 100 + execute 100 + fix plan 100 + execute 100 = 400; the next fix plan takes it over 450.
    expect(paused.session.state).toBe('awaiting_approval');
    expect(paused.error).toMatchObject({ budget: 'tokens', limit: 450, actual: 500 });
    await h.hub.reject(handle.id, 'too expensive');
    const handleAfter = await h.hub.resume(handle.id);
    const ended = await handleAfter.result;
    expect(ended.session.state).toBe('failed');
    expect(ended.error?.code).toBe('budget.exceeded');
  });

  it('cancel() ends a session paused at a budget cancelled', async () => {
    const h = await makeHarness({
      executor: new ScriptedExecutor({ usage: usageOf(10, 1) }),
      policy: { budgets: { costUsd: 0.5 } },
    });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    expect((await handle.result).session.state).toBe('awaiting_approval');
    await h.hub.cancel(handle.id);
    expect((await h.store.getSession(handle.id))?.state).toBe('cancelled');
    expectSoundLog(await h.store.readEvents(handle.id));
    await expect(h.hub.approve(handle.id, { raiseBudget: { costUsd: 5 } })).rejects.toMatchObject({
      code: 'session.invalid_state',
    });
  });

  it('a fresh engine continues a paused session once approved', async () => {
    const store = new MemoryStore();
    const executor = new ScriptedExecutor({ usage: usageOf(10, 1) });
    const h = await makeHarness({ store, executor, policy: { budgets: { costUsd: 0.5 } } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    expect((await handle.result).session.state).toBe('awaiting_approval');
    const fresh = await makeHarness({ store, workspace: h.workspace, policy: { budgets: { costUsd: 0.5 } } });
    // Refused before the session is opened there: the fresh engine does not claim it for nothing.
    await expect(fresh.hub.approve(handle.id, { raiseBudget: { costUsd: 0.7 } })).rejects.toMatchObject({
      code: 'budget.still_exceeded',
    });
    await expect(fresh.hub.approve(handle.id)).rejects.toMatchObject({ code: 'budget.still_exceeded' });
    const claims = (await store.readEvents(handle.id)).filter((e) => e.type === 'session.claimed');
    expect(claims.every((e) => e.type === 'session.claimed' && e.owner === h.hub.engineId)).toBe(true);
    await fresh.hub.approve(handle.id, { raiseBudget: { costUsd: 10 } });
    const result = await (await fresh.hub.resume(handle.id)).result;
    expect(result.session.state).toBe('succeeded');
    expect(fresh.executor.calls).toHaveLength(0);
    expectSoundLog(await store.readEvents(handle.id));
  });
});
