import { describe, expect, it } from 'vitest';
import type { NewSessionEvent, SessionEvent } from '../src/model/events.js';
import type { GateResult } from '../src/model/report.js';
import type { Session } from '../src/model/session.js';
import { analyticsBucket, computeAnalytics, MemoryStore, stepDurations } from '../src/store/index.js';
import { makeSession, usageOf } from '../src/testing/conformance/store-fixtures.js';
import { roundFloats } from '../src/testing/store-conformance.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');

/** Builds a log with explicit times: each entry is [milliseconds after T0, event]. */
function log(sessionId: string, entries: Array<[number, NewSessionEvent]>): SessionEvent[] {
  return entries.map(
    ([ms, event], i) => ({ ...event, sessionId, seq: i + 1, at: new Date(T0 + ms).toISOString() }) as SessionEvent,
  );
}

const gate = (name: string, passed: boolean, messages: string[] = []): GateResult => ({
  name,
  passed,
  durationMs: 1,
  output: '',
  failures: messages.map((message) => ({ message })),
});

const started = (stepId: string): NewSessionEvent => {
  const step = stepId.split(':')[0] as 'plan';
  return { type: 'step.started', sessionId: '', stepId, step, attempt: 0 };
};
const finished = (stepId: string): NewSessionEvent => {
  const step = stepId.split(':')[0] as 'plan';
  return { type: 'step.finished', sessionId: '', stepId, step, output: null };
};
const gateRun = (result: GateResult): NewSessionEvent => ({ type: 'verifier.gate', sessionId: '', attempt: 0, result });
const used = (phase: 'planning' | 'execution' | 'foundation', usage: ReturnType<typeof usageOf>): NewSessionEvent => ({
  type: 'usage.recorded',
  sessionId: '',
  phase,
  usage,
});

const sessions: Session[] = [
  makeSession('s1', { state: 'succeeded', templateId: 'tpl-a', createdAt: '2026-03-02T10:00:00.000Z' }),
  makeSession('s2', { state: 'failed', templateId: 'tpl-a', createdAt: '2026-03-02T15:00:00.000Z' }),
  makeSession('s3', { state: 'cancelled', createdAt: '2026-03-04T08:00:00.000Z' }),
  makeSession('s4', { state: 'executing', templateId: 'tpl-b', createdAt: '2026-03-10T00:00:00.000Z' }),
  makeSession('s5', { state: 'succeeded', templateId: 'tpl-b', createdAt: '2026-04-01T12:00:00.000Z' }),
];

const events = new Map<string, SessionEvent[]>([
  [
    's1',
    log('s1', [
      [0, started('plan:0')],
      [1000, finished('plan:0')],
      [1000, used('planning', usageOf(100, 10, 0.01))],
      [1000, started('execute:0')],
      [6000, finished('execute:0')],
      [6000, used('execution', usageOf(1000, 200, 0.5, 50, 5))],
      [6000, started('verify:0')],
      [7000, gateRun(gate('tests', true))],
      [8000, finished('verify:0')],
      [8000, { type: 'session.finished', sessionId: '', state: 'succeeded' }],
    ]),
  ],
  [
    's2',
    log('s2', [
      [0, started('plan:0')],
      [3000, finished('plan:0')],
      [3000, used('planning', usageOf(200, 20, 0.02))],
      [3000, started('execute:0')],
      [7000, finished('execute:0')],
      [7000, started('verify:0')],
      [7500, gateRun(gate('tests', false, ['Expected 3 to be 4', 'Expected 10 to be 20']))],
      [7600, gateRun(gate('lint', false, ['Unexpected any in /src/a.ts']))],
      [8000, finished('verify:0')],
      [8000, started('execute:1')],
      [14000, finished('execute:1')],
      [14000, used('execution', usageOf(2000, 300, 0.75))],
      [14000, started('verify:1')],
      [15000, gateRun(gate('tests', false, ['Expected 1 to be 2']))],
      [17000, finished('verify:1')],
      [
        17000,
        {
          type: 'session.finished',
          sessionId: '',
          state: 'failed',
          error: { code: 'x', message: 'Verification failed after 2 attempts' },
        },
      ],
    ]),
  ],
  [
    's3',
    log('s3', [
      [0, started('plan:0')],
      [400, used('planning', usageOf(50, 5, 0.005))],
      [500, { type: 'step.failed', sessionId: '', stepId: 'plan:0', step: 'plan', error: { code: 'c', message: 'm' } }],
      [
        600,
        {
          type: 'session.finished',
          sessionId: '',
          state: 'cancelled',
          error: { code: 'session.cancelled', message: 'Session cancelled by user 7' },
        },
      ],
    ]),
  ],
  [
    's4',
    log('s4', [
      [0, started('plan:0')],
      [2000, finished('plan:0')],
      [2000, started('approve:0')],
      [62000, finished('approve:0')],
      [62000, started('execute:0')],
    ]),
  ],
  [
    's5',
    log('s5', [
      [0, started('plan:0')],
      [500, finished('plan:0')],
      [500, started('execute:0')],
      // A resume started the step again; the duration counts from the latest start.
      [10500, started('execute:0')],
      [12500, finished('execute:0')],
      [12500, started('verify:0')],
      [13000, gateRun(gate('lint', true))],
      [14000, finished('verify:0')],
      [14000, started('foundation:0')],
      [14700, finished('foundation:0')],
      [14700, used('foundation', usageOf(10, 1, 0.001))],
      [14700, { type: 'session.finished', sessionId: '', state: 'succeeded' }],
    ]),
  ],
]);

const stats = (total: number, succeeded: number, failed: number, cancelled: number, successRate: number) => ({
  total,
  succeeded,
  failed,
  cancelled,
  successRate,
});

describe('computeAnalytics (hand-computed)', () => {
  it('computes the whole report', () => {
    const report = roundFloats(computeAnalytics(sessions, events));
    expect(report).toEqual({
      overall: stats(5, 2, 1, 1, 0.5),
      byTemplate: [
        { templateId: 'tpl-a', ...stats(2, 1, 1, 0, 0.5) },
        { templateId: 'tpl-b', ...stats(2, 1, 0, 0, 1) },
      ],
      overTime: [
        { bucket: '2026-03-02', ...stats(2, 1, 1, 0, 0.5) },
        { bucket: '2026-03-04', ...stats(1, 0, 0, 1, 0) },
        { bucket: '2026-03-10', ...stats(1, 0, 0, 0, 0) },
        { bucket: '2026-04-01', ...stats(1, 1, 0, 0, 1) },
      ],
      topFailingGates: [
        { gate: 'tests', failures: 2 },
        { gate: 'lint', failures: 1 },
      ],
      topErrorSignatures: [
        { signature: 'expected <n> to be <n>', count: 3 },
        { signature: 'session cancelled by user <n>', count: 1 },
        { signature: 'unexpected any in <path>', count: 1 },
        { signature: 'verification failed after <n> attempts', count: 1 },
      ],
      phaseDurations: [
        { phase: 'approval', count: 1, p50Ms: 60000, p95Ms: 60000 },
        { phase: 'execution', count: 4, p50Ms: 4000, p95Ms: 6000 },
        { phase: 'foundation', count: 1, p50Ms: 700, p95Ms: 700 },
        { phase: 'planning', count: 4, p50Ms: 1000, p95Ms: 3000 },
        { phase: 'verification', count: 4, p50Ms: 1500, p95Ms: 3000 },
      ],
      usage: {
        total: usageOf(3360, 536, 1.286, 50, 5),
        perSession: usageOf(672, 107.2, 0.2572, 10, 1),
        byPhase: [
          { phase: 'execution', usage: usageOf(3000, 500, 1.25, 50, 5) },
          { phase: 'foundation', usage: usageOf(10, 1, 0.001) },
          { phase: 'planning', usage: usageOf(350, 35, 0.035) },
        ],
      },
    });
  });

  it('buckets by ISO week (Monday) and by month', () => {
    expect(computeAnalytics(sessions, events, { bucket: 'week' }).overTime.map(roundFloats)).toEqual([
      { bucket: '2026-03-02', ...stats(3, 1, 1, 1, 0.333333333) },
      { bucket: '2026-03-09', ...stats(1, 0, 0, 0, 0) },
      { bucket: '2026-03-30', ...stats(1, 1, 0, 0, 1) },
    ]);
    expect(computeAnalytics(sessions, events, { bucket: 'month' }).overTime.map(roundFloats)).toEqual([
      { bucket: '2026-03-01', ...stats(4, 1, 1, 1, 0.333333333) },
      { bucket: '2026-04-01', ...stats(1, 1, 0, 0, 1) },
    ]);
  });

  it('restricts everything to one template', () => {
    const report = roundFloats(computeAnalytics(sessions, events, { templateId: 'tpl-a' }));
    expect(report.overall).toEqual(stats(2, 1, 1, 0, 0.5));
    expect(report.byTemplate).toEqual([{ templateId: 'tpl-a', ...stats(2, 1, 1, 0, 0.5) }]);
    expect(report.topFailingGates).toEqual([
      { gate: 'tests', failures: 2 },
      { gate: 'lint', failures: 1 },
    ]);
    expect(report.usage.total).toEqual(usageOf(3300, 530, 1.28, 50, 5));
    expect(report.usage.perSession).toEqual(usageOf(1650, 265, 0.64, 25, 2.5));
    expect(report.phaseDurations.map((p) => [p.phase, p.count])).toEqual([
      ['execution', 3],
      ['planning', 2],
      ['verification', 3],
    ]);
  });

  it('takes since as inclusive and until as exclusive', () => {
    const report = computeAnalytics(sessions, events, {
      since: '2026-03-04T08:00:00.000Z',
      until: '2026-04-01T12:00:00.000Z',
    });
    expect(report.overall).toEqual(stats(2, 0, 0, 1, 0));
    expect(report.topErrorSignatures).toEqual([{ signature: 'session cancelled by user <n>', count: 1 }]);
    expect(report.usage.byPhase).toEqual([{ phase: 'planning', usage: usageOf(50, 5, 0.005) }]);
  });

  it('keeps only the top rows', () => {
    const report = computeAnalytics(sessions, events, { top: 1 });
    expect(report.topFailingGates).toEqual([{ gate: 'tests', failures: 2 }]);
    expect(report.topErrorSignatures).toEqual([{ signature: 'expected <n> to be <n>', count: 3 }]);
  });

  it('accepts events as a plain record too', () => {
    expect(computeAnalytics(sessions, Object.fromEntries(events))).toEqual(computeAnalytics(sessions, events));
  });

  it('gives zeros for no sessions', () => {
    const report = computeAnalytics([], new Map());
    expect(report.overall).toEqual(stats(0, 0, 0, 0, 0));
    expect(report.usage.perSession).toEqual(usageOf(0, 0, 0));
  });
});

describe('stepDurations', () => {
  it('pairs each finish with the latest unpaired start of the same step id', () => {
    const durations = stepDurations(
      log('x', [
        [0, started('execute:0')],
        [100, started('plan:0')],
        [300, finished('plan:0')],
        [400, started('execute:0')],
        [1400, finished('execute:0')],
        [1500, finished('execute:0')],
        [1600, finished('verify:0')],
      ]),
    );
    expect(durations).toEqual([
      { phase: 'planning', durationMs: 200 },
      { phase: 'execution', durationMs: 1000 },
    ]);
  });

  it('counts a finish stamped before its start as 0', () => {
    const events = log('x', [
      [500, started('plan:0')],
      [200, finished('plan:0')],
    ]);
    expect(stepDurations(events)).toEqual([{ phase: 'planning', durationMs: 0 }]);
  });
});

describe('analyticsBucket', () => {
  it('gives the day, the Monday of the ISO week, or the first of the month (UTC)', () => {
    expect(analyticsBucket('2026-03-08T23:59:59.999Z', 'day')).toBe('2026-03-08');
    expect(analyticsBucket('2026-03-08T23:59:59.999Z', 'week')).toBe('2026-03-02'); // a Sunday
    expect(analyticsBucket('2026-03-09T00:00:00.000Z', 'week')).toBe('2026-03-09'); // a Monday
    expect(analyticsBucket('2026-01-01T05:00:00.000Z', 'week')).toBe('2025-12-29');
    expect(analyticsBucket('2026-02-28T12:00:00.000Z', 'month')).toBe('2026-02-01');
    expect(analyticsBucket('2026-03-02T01:00:00+02:00', 'day')).toBe('2026-03-01');
  });
});

describe('MemoryStore.analytics', () => {
  it('equals computeAnalytics over its own sessions and events', async () => {
    const store = new MemoryStore();
    for (const session of sessions) {
      await store.createSession(session);
      await store.appendEvents(session.id, events.get(session.id) ?? []);
    }
    const stored = new Map<string, SessionEvent[]>();
    for (const s of sessions) stored.set(s.id, await store.readEvents(s.id));
    expect(await store.analytics({ bucket: 'week' })).toEqual(computeAnalytics(sessions, stored, { bucket: 'week' }));
  });
});
