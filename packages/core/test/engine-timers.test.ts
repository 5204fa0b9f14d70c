/** Timers, signals and late events (issue 10 items 6, 8, 9). */
import type { ExecuteOptions } from '@sessionhub/core';
import { ScriptedExecutor } from '@sessionhub/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { expectSoundLog, makeHarness } from './support/harness.js';

describe('engine: wall-time budgets of any length (item 6)', () => {
  for (const wallTimeMs of [2 ** 31, 30 * 24 * 3600 * 1000, Number.POSITIVE_INFINITY]) {
    it(`a session with wallTimeMs ${wallTimeMs} is not stopped by its timer`, async () => {
      const h = await makeHarness({ policy: { budgets: { wallTimeMs } } });
      const result = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
      expect(result.error).toBeUndefined();
      expect(result.session.state).toBe('succeeded');
    });
  }
});

describe('engine: the caller signal (item 8)', () => {
  it('leaves no abort listener on the run signal once the session ends', async () => {
    const controller = new AbortController();
    const signal = controller.signal;
    const added = vi.spyOn(signal, 'addEventListener');
    const removed = vi.spyOn(signal, 'removeEventListener');
    const h = await makeHarness();
    for (let i = 0; i < 3; i++) await (await h.hub.run({ request: 'Greet visitors by name' }, { signal })).result;
    const abortCalls = (spy: typeof added | typeof removed) => spy.mock.calls.filter(([type]) => type === 'abort');
    expect(abortCalls(added).length).toBeGreaterThan(0);
    // Every listener added was removed again, the same function each time.
    expect(abortCalls(removed).map(([, l]) => l)).toEqual(abortCalls(added).map(([, l]) => l));
  });
});

describe('engine: progress reported after its step (item 9)', () => {
  it('is dropped, never stored after session.finished', async () => {
    let late: ExecuteOptions | undefined;
    const executor = new ScriptedExecutor({
      respond: (_input, _sandbox, opts) => {
        late = opts;
        return {};
      },
    });
    const h = await makeHarness({ executor });
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.session.state).toBe('succeeded');
    late?.emit({ kind: 'output', message: 'too late' });
    late?.reportUsage?.({ inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 1 });
    // Give a write the engine might have queued every chance to land.
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    const events = await h.store.readEvents(handle.id);
    expectSoundLog(events);
    expect(events.some((e) => e.type === 'executor.progress' && e.message === 'too late')).toBe(false);
    expect((await h.store.getSession(handle.id))?.usage.costUsd).toBe(0);
  });

  it('progress emitted while a step batch is being written reaches the store and the emitter in one order', async () => {
    const executor = new ScriptedExecutor({
      respond: (_input, _sandbox, opts) => {
        for (let i = 0; i < 5; i++) opts.emit({ kind: 'output', message: `line ${i}` });
        return {};
      },
    });
    const h = await makeHarness({ executor });
    const emitted: number[] = [];
    h.hub.emitter.on('event', (e) => emitted.push(e.seq));
    const handle = await h.hub.run({ request: 'Greet visitors by name' });
    await handle.result;
    const stored = (await h.store.readEvents(handle.id)).map((e) => e.seq);
    expect(emitted).toEqual(stored);
  });
});
