import { describe, expect, it } from 'vitest';
import { StoreError } from '../src/errors.js';
import { MemoryStore } from '../src/store/index.js';
import { makeSession } from '../src/testing/conformance/store-fixtures.js';
import { describeStoreConformance } from '../src/testing/store-conformance.js';

describeStoreConformance('memory', async () => ({ store: new MemoryStore() }), {
  skip: { 'what was acknowledged survives close() and a reopen': 'in memory: nothing outlives close()' },
});

describe('MemoryStore specifics', () => {
  it('rejects with the abort reason itself', async () => {
    const store = new MemoryStore();
    const reason = new Error('stopped by test');
    await expect(store.listSessions({}, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('stamps events with the injected clock', async () => {
    const store = new MemoryStore({ now: () => new Date('2026-01-02T03:04:05.000Z') });
    await store.createSession(makeSession('s'));
    const [event] = await store.appendEvents('s', [{ type: 'approval.requested', sessionId: 's' }]);
    expect(event?.at).toBe('2026-01-02T03:04:05.000Z');
  });

  it('stores events under the session appended to, whatever sessionId they carry', async () => {
    const store = new MemoryStore();
    await store.createSession(makeSession('s'));
    const [event] = await store.appendEvents('s', [{ type: 'approval.requested', sessionId: 'other' }]);
    expect(event?.sessionId).toBe('s');
  });

  it('clears a field patched to undefined', async () => {
    const store = new MemoryStore();
    await store.createSession(makeSession('s', { error: { code: 'a', message: 'b' } }));
    const updated = await store.updateSession('s', { error: undefined });
    expect('error' in updated).toBe(false);
  });

  it('never changes the id through a patch', async () => {
    const store = new MemoryStore();
    await store.createSession(makeSession('s'));
    const sneaky = { id: 'other', name: 'n' } as Parameters<MemoryStore['updateSession']>[1];
    expect((await store.updateSession('s', sneaky)).id).toBe('s');
    expect(await store.getSession('other')).toBeUndefined();
  });

  it('gives a template by name to the most recently updated of that name', async () => {
    const store = new MemoryStore();
    const base = { text: 'x', variables: [], tags: [], createdAt: '2026-01-01T00:00:00.000Z' };
    await store.putTemplate({ ...base, id: 'a', name: 'same', updatedAt: '2026-01-01T00:00:00.000Z' });
    await store.putTemplate({ ...base, id: 'b', name: 'same', updatedAt: '2026-01-03T00:00:00.000Z' });
    expect((await store.getTemplate('same'))?.id).toBe('b');
  });

  it('refuses values that are not plain data and stores nothing of them', async () => {
    const store = new MemoryStore();
    await store.createSession(makeSession('s'));
    const bad = { type: 'step.finished', sessionId: 's', stepId: 'x', step: 'plan', output: { fn: () => 1 } } as const;
    const error = await store
      .appendEvents('s', [{ type: 'approval.requested', sessionId: 's' }, bad])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'store.invalid_value' });
    expect(await store.readEvents('s')).toEqual([]);
  });

  it('refuses to skip a conformance case that does not exist', () => {
    const factory = async () => ({ store: new MemoryStore() });
    expect(() => describeStoreConformance('typo', factory, { skip: { 'no such case': 'typo' } })).toThrow(
      /unknown conformance cases: "no such case"/,
    );
  });

  it('throws StoreError instances with stable codes', async () => {
    const store = new MemoryStore();
    const error = await store.updateSession('missing', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'store.not_found', name: 'StoreError' });
  });
});
