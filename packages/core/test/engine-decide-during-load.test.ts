/**
 * A decision, a cancel or a pause that arrives while a plain `resume(id)` of the same session is still loading
 * on the same engine. That load leaves a session paused at its budget stopped (nothing runs until someone
 * decides), so a decision or a cancel that joined it would get a stopped handle; it must instead open the
 * session for itself once the load is done, and be applied.
 */
import { MemoryStore, type SessionEvent } from '@sessionhub/core';
import { ScriptedPlanner, usageOf } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { makeHarness } from './support/harness.js';

/** A MemoryStore that calls `onReadEvents` (once set) when a session's log is read: to start a call right then. */
class ProbedStore extends MemoryStore {
  onReadEvents: (() => void) | undefined;

  override readEvents(...args: Parameters<MemoryStore['readEvents']>): ReturnType<MemoryStore['readEvents']> {
    this.onReadEvents?.();
    return super.readEvents(...args);
  }
}

/** A session paused at its token budget (the plan used 1000 of 500 tokens), and a second engine over its store. */
async function budgetPaused() {
  const store = new ProbedStore();
  const first = await makeHarness({
    store,
    planner: new ScriptedPlanner({ usage: usageOf(1000) }),
    policy: { budgets: { tokens: 500 } },
  });
  const paused = await (await first.hub.run({ request: 'Greet visitors by name' })).result;
  expect(paused.session.state).toBe('awaiting_approval');
  expect(paused.error).toMatchObject({ code: 'budget.exceeded', budget: 'tokens' });
  // Another process's engine over the same store, with the same budget policy.
  const other = await makeHarness({ store, workspace: first.workspace, policy: { budgets: { tokens: 500 } } });
  return { id: paused.session.id, store, hub: other.hub };
}

function count(events: readonly SessionEvent[], type: SessionEvent['type']): number {
  return events.filter((e) => e.type === type).length;
}

describe('engine: a decision meets a resume still loading on the same engine', () => {
  it('approve(id, { raiseBudget }) is applied and the session continues to success', async () => {
    const { id, store, hub } = await budgetPaused();
    const resumed = hub.resume(id); // a worker's resume, still loading
    await expect(hub.approve(id, { raiseBudget: { tokens: 5000 } })).resolves.toBeUndefined();
    // The plain resume saw the session still paused: its handle resolves with the budget pause.
    expect((await (await resumed).result).error).toMatchObject({ code: 'budget.exceeded' });
    const final = await (await hub.resume(id)).result;
    expect(final.session.state).toBe('succeeded');
    const log = await store.readEvents(id);
    expect(count(log, 'budget.raised')).toBe(1);
    expect(log.find((e) => e.type === 'budget.raised')).toMatchObject({ budgets: { tokens: 5000 } });
    expect(count(log, 'session.finished')).toBe(1);
  });

  it('approve is applied also when another plain resume starts loading while it checks the stored session', async () => {
    const { id, store, hub } = await budgetPaused();
    const resumes: Array<Promise<unknown>> = [];
    // Once the first load is done, the approve reads the session's log (to check the raise): a second resume
    // starts right then, so the approve's own opening joins that second load and gets its stopped handle too.
    resumes.push(
      hub.resume(id).then(() => {
        store.onReadEvents = () => {
          store.onReadEvents = undefined;
          resumes.push(hub.resume(id));
        };
      }),
    );
    await expect(hub.approve(id, { raiseBudget: { tokens: 5000 } })).resolves.toBeUndefined();
    expect(resumes).toHaveLength(2);
    for (const r of resumes) await r;
    expect((await (await hub.resume(id)).result).session.state).toBe('succeeded');
    expect(count(await store.readEvents(id), 'budget.raised')).toBe(1);
  });

  it('an approve whose raise is not enough is refused with budget.still_exceeded, and the session stays paused', async () => {
    const { id, store, hub } = await budgetPaused();
    const resumed = hub.resume(id);
    await expect(hub.approve(id, { raiseBudget: { tokens: 800 } })).rejects.toMatchObject({
      code: 'budget.still_exceeded',
    });
    await resumed;
    await hub.idle();
    const log = await store.readEvents(id);
    expect(log[log.length - 1]?.type).toBe('session.released');
    expect((await store.getSession(id))?.state).toBe('awaiting_approval');
  });

  it('reject(id) is applied: the session fails with budget.exceeded', async () => {
    const { id, store, hub } = await budgetPaused();
    const resumed = hub.resume(id);
    await expect(hub.reject(id, 'too expensive')).resolves.toBeUndefined();
    await resumed;
    await hub.idle();
    const stored = await store.getSession(id);
    expect(stored?.state).toBe('failed');
    expect(stored?.error?.code).toBe('budget.exceeded');
    const log = await store.readEvents(id);
    expect(log[log.length - 1]).toMatchObject({ type: 'session.finished', state: 'failed' });
  });

  it('cancel(id) is applied: the session ends cancelled (it used to resolve leaving it paused)', async () => {
    const { id, store, hub } = await budgetPaused();
    const resumed = hub.resume(id);
    await expect(hub.cancel(id)).resolves.toBeUndefined();
    await resumed;
    expect((await store.getSession(id))?.state).toBe('cancelled');
    const log = await store.readEvents(id);
    expect(log[log.length - 1]).toMatchObject({ type: 'session.finished', state: 'cancelled' });
  });

  it('cancel is applied also when another plain resume starts loading as the first load ends', async () => {
    const { id, store, hub } = await budgetPaused();
    const second: Array<Promise<unknown>> = [];
    // One microtask after the first resume has its handle: after the cancel saw no load in flight, before its
    // own opening, which joins this second load and gets its stopped handle too.
    const first = hub.resume(id).then(async () => {
      await undefined;
      second.push(hub.resume(id));
    });
    await expect(hub.cancel(id)).resolves.toBeUndefined();
    await first;
    expect(second).toHaveLength(1);
    await Promise.all(second);
    expect((await store.getSession(id))?.state).toBe('cancelled');
  });

  it('pause(id) is refused with session.not_running: a session paused at its budget is paused already', async () => {
    const { id, store, hub } = await budgetPaused();
    const resumed = hub.resume(id);
    await expect(hub.pause(id)).rejects.toMatchObject({ code: 'session.not_running' });
    await resumed;
    const log = await store.readEvents(id);
    expect(log[log.length - 1]?.type).toBe('session.released');
    expect((await store.getSession(id))?.state).toBe('awaiting_approval');
  });
});
