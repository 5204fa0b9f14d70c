import { SessionHubError } from '@sessionhub/format';
import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../src/engine/redaction.js';
import { replay } from '../src/engine/replay.js';
import { SessionStateError } from '../src/errors.js';
import type { NewSessionEvent } from '../src/model/events.js';
import { type Outcome, OutcomeError, recordOutcome } from '../src/outcomes/index.js';
import { MemoryStore } from '../src/store/index.js';
import { makeSession } from '../src/testing/conformance/store-fixtures.js';
import { ScriptedExecutor, ScriptedVerifier } from '../src/testing/doubles.js';
import { makeHarness } from './support/harness.js';

const merged: Outcome = { kind: 'merged', source: 'github', url: 'https://github.com/o/r/pull/7' };

/** A store holding one session whose log has run to `state` (ended with `session.finished` when terminal). */
async function storeWith(state: 'succeeded' | 'failed' | 'executing'): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.createSession(makeSession('s1', { state }));
  const events: NewSessionEvent[] = [
    { type: 'session.created', sessionId: 's1', input: { kind: 'request', request: 'do it' } },
    { type: 'state.changed', sessionId: 's1', from: 'created', to: 'executing' },
  ];
  if (state !== 'executing') events.push({ type: 'session.finished', sessionId: 's1', state });
  await store.appendEvents('s1', events);
  return store;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (SessionHubError.isInstance(err)) return err.code;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('recordOutcome', () => {
  it('appends an outcome.recorded event after session.finished and leaves the session as it was', async () => {
    const store = await storeWith('succeeded');
    const before = await store.getSession('s1');
    const event = await recordOutcome(store, 's1', merged);
    expect(event).toMatchObject({ type: 'outcome.recorded', sessionId: 's1', seq: 4, outcome: merged });
    const log = await store.readEvents('s1');
    expect(log.map((e) => e.type)).toEqual([
      'session.created',
      'state.changed',
      'session.finished',
      'outcome.recorded',
    ]);
    expect(await store.getSession('s1')).toEqual(before);
  });

  it('is ignored by the engine replay: the session stays ended in the state it ended in', async () => {
    const store = await storeWith('failed');
    await recordOutcome(store, 's1', { kind: 'rating', value: 2, source: 'github', by: 'ana' });
    const replayed = replay(await store.readEvents('s1'));
    expect(replayed.state).toBe('failed');
    expect(replayed.terminal).toEqual({ state: 'failed' });
    expect(replayed.lastSeq).toBe(4);
  });

  it('refuses a running session with session.invalid_state and writes nothing', async () => {
    const store = await storeWith('executing');
    const attempt = recordOutcome(store, 's1', merged);
    await expect(attempt).rejects.toBeInstanceOf(SessionStateError);
    expect(await codeOf(recordOutcome(store, 's1', merged))).toBe('session.invalid_state');
    expect((await store.readEvents('s1')).map((e) => e.type)).not.toContain('outcome.recorded');
  });

  it('refuses an unknown session with session.not_found', async () => {
    const store = await storeWith('succeeded');
    expect(await codeOf(recordOutcome(store, 'nope', merged))).toBe('session.not_found');
  });

  it.each<[string, unknown]>([
    ['a rating without a value', { kind: 'rating', source: 'github' }],
    ['a rating of 6', { kind: 'rating', value: 6, source: 'github' }],
    ['a rating of 2.5', { kind: 'rating', value: 2.5, source: 'github' }],
    ['a merge with a value', { kind: 'merged', value: 3, source: 'github' }],
    ['an unknown kind', { kind: 'liked', source: 'github' }],
    ['no source', { kind: 'merged', source: '' }],
  ])('refuses %s with OutcomeError outcome.invalid and writes nothing', async (_, outcome) => {
    const store = await storeWith('succeeded');
    const attempt = recordOutcome(store, 's1', outcome as Outcome);
    await expect(attempt).rejects.toBeInstanceOf(OutcomeError);
    expect(await codeOf(recordOutcome(store, 's1', outcome as Outcome))).toBe('outcome.invalid');
    expect(await store.readEvents('s1')).toHaveLength(3);
  });

  it('redacts a secret in the note before it is stored', async () => {
    const store = await storeWith('succeeded');
    const secret = 'ghp_0123456789abcdefSECRET';
    const event = await recordOutcome(
      store,
      's1',
      { kind: 'rating', value: 4, source: 'github', by: 'ana', note: `works, token was ${secret}` },
      { redact: createRedactor([secret]) },
    );
    expect(event.outcome.note).toBe(`works, token was ${REDACTED}`);
    const stored = JSON.stringify(await store.readEvents('s1'));
    expect(stored).not.toContain(secret);
    expect(stored).toContain(REDACTED);
  });

  it('drops unknown fields of the outcome', async () => {
    const store = await storeWith('succeeded');
    const event = await recordOutcome(store, 's1', { ...merged, extra: 'x' } as Outcome);
    expect(event.outcome).toEqual(merged);
  });

  it('records every outcome of concurrent callers, retrying appends that lost the race', async () => {
    const store = await storeWith('succeeded');
    const raters = ['a', 'b', 'c', 'd', 'e', 'f'];
    await Promise.all(
      raters.map((by, i) => recordOutcome(store, 's1', { kind: 'rating', value: 1 + (i % 5), source: 'github', by })),
    );
    const recorded = (await store.readEvents('s1')).flatMap((e) =>
      e.type === 'outcome.recorded' ? [e.outcome.by] : [],
    );
    expect(recorded.sort()).toEqual(raters);
  });

  it('stops at an aborted signal before writing', async () => {
    const store = await storeWith('succeeded');
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(recordOutcome(store, 's1', merged, { signal: controller.signal })).rejects.toThrow('stop');
    expect(await store.readEvents('s1')).toHaveLength(3);
  });
});

describe('recordOutcome after a real engine run', () => {
  it('a resumed ended session stays as it ended and appends nothing; analytics count the outcome', async () => {
    const store = new MemoryStore();
    const first = await makeHarness({ store });
    const done = await (await first.hub.run({ request: 'Greet visitors by name' })).result;
    expect(done.session.state).toBe('succeeded');
    await recordOutcome(store, done.session.id, merged);
    const logLength = (await store.readEvents(done.session.id)).length;

    const second = await makeHarness({ store, workspace: first.workspace });
    const resumed = await (await second.hub.resume(done.session.id)).result;
    expect(resumed.session.state).toBe('succeeded');
    expect(await store.readEvents(done.session.id)).toHaveLength(logLength);
    expect((await store.analytics()).overall).toMatchObject({ succeeded: 1, merged: 1, mergeRate: 1 });
  });
});

describe('analytics of a real engine run', () => {
  it('host resources of the execute report and of each gate, and the model of the executor’s calls', async () => {
    const store = new MemoryStore();
    const resources = { commands: 3, cpuMs: 12.5, peakMemoryBytes: 4096, bytesWritten: 10 };
    const gateResources = { commands: 1, cpuMs: 2, peakMemoryBytes: 8192, bytesWritten: 1 };
    const usage = {
      inputTokens: 5,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0,
      model: 'm-x',
    };
    const harness = await makeHarness({
      store,
      executor: new ScriptedExecutor({ usage, reportsUsage: true, respond: () => ({ resources }) }),
      verifier: new ScriptedVerifier([
        {
          passed: true,
          gates: [{ name: 'tests', passed: true, durationMs: 1, output: 'ok', failures: [], resources: gateResources }],
        },
      ]),
    });
    const done = await (await harness.hub.run({ request: 'Greet visitors by name' })).result;
    expect(done.session.state).toBe('succeeded');
    const report = await store.analytics();
    expect(report.hostResources.byPhase).toEqual([
      { phase: 'execution', resources },
      { phase: 'verification', resources: gateResources },
    ]);
    expect(report.byModel.map((m) => [m.model, m.total, m.succeeded])).toEqual([['m-x', 1, 1]]);
  });
});
