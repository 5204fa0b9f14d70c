/** A user's listener cannot break the engine (issue 10 item 7). */
import type { SessionEvent } from '@sessionhub/core';
import { ScriptedExecutor } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { expectSoundLog, makeHarness } from './support/harness.js';

describe('engine: listeners', () => {
  it('a throwing emitter listener neither fails the session nor stops the other listeners', async () => {
    const reported: Array<{ error: unknown; type: string }> = [];
    const h = await makeHarness({
      executor: new ScriptedExecutor({ progress: [{ kind: 'output', message: 'working' }] }),
      onListenerError: (error, event) => reported.push({ error, type: event.type }),
    });
    const seen: string[] = [];
    h.hub.emitter.on('executor.progress', () => {
      throw new Error('a listener bug');
    });
    h.hub.emitter.once('state.changed', () => {
      throw new Error('a once listener bug');
    });
    h.hub.emitter.on('executor.progress', (e: SessionEvent) => seen.push(e.type));
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.error).toBeUndefined();
    expect(result.session.state).toBe('succeeded');
    expect(seen).toEqual(['executor.progress']);
    expect(reported.map((r) => [r.type, (r.error as Error).message])).toEqual([
      ['state.changed', 'a once listener bug'],
      ['executor.progress', 'a listener bug'],
    ]);
    expectSoundLog(await h.store.readEvents(handle.id));
  });

  it('removes a listener by the function that was added', async () => {
    const h = await makeHarness();
    const seen: string[] = [];
    const listener = (e: SessionEvent) => seen.push(e.type);
    h.hub.emitter.on('event', listener);
    h.hub.emitter.off('event', listener);
    await (await h.hub.run({ request: 'Greet visitors by name' })).result;
    expect(seen).toEqual([]);
  });
});
