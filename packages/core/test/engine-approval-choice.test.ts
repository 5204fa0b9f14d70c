/**
 * `requireApproval` belongs to the session: `session.created` records the choice, and an engine with another
 * policy that resumes the session, or decides on it from elsewhere, follows the log.
 */
import { MemoryStore } from '@sessionhub/core';
import { describe, expect, it } from 'vitest';
import { collect, expectSoundLog, makeHarness } from './support/harness.js';
import { actorsStallingIn, otherEngine } from './support/stalling-actors.js';

describe('engine: the approval choice is recorded per session', () => {
  it('a session started with requireApproval still waits for it when resumed on an engine without', async () => {
    const store = new MemoryStore();
    const actors = actorsStallingIn('planning');
    const h = await makeHarness({ store, ...actors, policy: { requireApproval: true } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await actors.running;
    await h.hub.pause(handle.id);
    const log = await store.readEvents(handle.id);
    expect(log[0]).toMatchObject({ type: 'session.created', requireApproval: true });

    const other = otherEngine(store, h.workspace, actors, false);
    const resumed = await other.resume(handle.id);
    for await (const e of resumed.events) if (e.type === 'approval.requested') break;
    expect((await store.getSession(handle.id))?.state).toBe('awaiting_approval');
    expect(actors.executor.calls).toHaveLength(0);
    await other.approve(handle.id);
    const done = await resumed.result;
    expect(done.session.state).toBe('succeeded');
    const events = await store.readEvents(handle.id);
    expect(events.filter((e) => e.type === 'approval.resolved' && e.approved)).toHaveLength(1);
  });

  it('a session started without it does not wait when resumed on an engine that requires approval', async () => {
    const store = new MemoryStore();
    const actors = actorsStallingIn('planning');
    const h = await makeHarness({ store, ...actors });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await actors.running;
    await h.hub.pause(handle.id);

    const other = otherEngine(store, h.workspace, actors, true);
    const done = await (await other.resume(handle.id)).result;
    expect(done.session.state).toBe('succeeded');
    const events = await store.readEvents(handle.id);
    expect(events[0]).toMatchObject({ type: 'session.created', requireApproval: false });
    expect(events.some((e) => e.type === 'approval.requested')).toBe(false);
  });

  it('an engine without the policy may approve, from elsewhere, a session that waits for approval', async () => {
    const store = new MemoryStore();
    const actors = actorsStallingIn('created');
    const h = await makeHarness({ store, ...actors, policy: { requireApproval: true, decisionPollMs: 20 } });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    for await (const e of handle.events) if (e.type === 'approval.requested') break;

    const other = otherEngine(store, h.workspace, actors, false);
    await other.approve(handle.id);
    const done = await handle.result;
    expect(done.session.state).toBe('succeeded');
    const events = await collect(h.hub.events(handle.id));
    expectSoundLog(events);
    expect(events.find((e) => e.type === 'decision.requested')).toMatchObject({
      decision: 'approve',
      by: other.engineId,
    });
  });
});
