import { BudgetExceededError } from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, usageOf, waitForAbort } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { expectSoundLog, makeHarness } from './support/harness.js';

describe('engine: budgets with onBudgetExceeded: fail', () => {
  it('ends the session when the token budget is exceeded, keeping its state', async () => {
    const planner = new ScriptedPlanner({ usage: usageOf(1000) });
    const h = await makeHarness({ planner, policy: { budgets: { tokens: 500 }, onBudgetExceeded: 'fail' } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.state).toBe('failed');
    expect(result.error).toBeInstanceOf(BudgetExceededError);
    expect(result.error).toMatchObject({ budget: 'tokens', limit: 500, actual: 1000, code: 'budget.exceeded' });
    expect(h.executor.calls).toHaveLength(0);
    const stored = await h.hub.get(handle.id);
    expect(stored?.usage.outputTokens).toBe(1000);
    expect(stored?.instruction).toBeDefined();
    expect(stored?.error?.code).toBe('budget.exceeded');
    expectSoundLog(await h.store.readEvents(handle.id));
  });

  it('ends the session when the cost budget is exceeded', async () => {
    const executor = new ScriptedExecutor({ usage: usageOf(10, 2.5) });
    const h = await makeHarness({ executor, policy: { budgets: { costUsd: 1 }, onBudgetExceeded: 'fail' } });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.error).toMatchObject({ budget: 'cost', limit: 1, actual: 2.5 });
    expect(result.session.state).toBe('failed');
    expect(h.verifier.calls).toHaveLength(0);
    expect(h.sandboxes.created[0]?.isDisposed).toBe(true);
  });

  it('checks wall time at every transition', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const planner = new ScriptedPlanner({
      fallback: async (input) => {
        clock += 10_000; // planning "took" ten seconds
        return (await new ScriptedPlanner().plan(input, { signal: new AbortController().signal })).text;
      },
    });
    const h = await makeHarness({
      planner,
      now: () => clock,
      policy: { budgets: { wallTimeMs: 5_000 }, onBudgetExceeded: 'fail' },
    });
    const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.error).toMatchObject({ budget: 'wall_time', limit: 5_000, actual: 10_000 });
    expect(h.executor.calls).toHaveLength(0);
  });

  it('aborts a step that outlives the wall-time budget', async () => {
    let sawAbort = false;
    const executor = new ScriptedExecutor({
      respond: async (_input, _sandbox, opts) => {
        try {
          return await waitForAbort(opts.signal);
        } finally {
          sawAbort = opts.signal.aborted;
        }
      },
    });
    const h = await makeHarness({ executor, policy: { budgets: { wallTimeMs: 50 }, onBudgetExceeded: 'fail' } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(sawAbort).toBe(true);
    expect(result.session.state).toBe('failed');
    expect(result.error).toMatchObject({ budget: 'wall_time', limit: 50 });
    const events = await h.store.readEvents(handle.id);
    expectSoundLog(events);
    expect(events.some((e) => e.type === 'step.failed' && e.stepId === 'execute:0')).toBe(true);
  });
});
