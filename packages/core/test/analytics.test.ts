import { describe, expect, it } from 'vitest';
import type { NewSessionEvent, SessionEvent } from '../src/model/events.js';
import type { GateResult, HostResources } from '../src/model/report.js';
import type { Session } from '../src/model/session.js';
import type { Outcome } from '../src/outcomes/outcome.js';
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

const noOutcomes = { merged: 0, rejected: 0, mergeRate: 0, ratings: 0, satisfaction: 0 };
const stats = (total: number, succeeded: number, failed: number, cancelled: number, successRate: number) => ({
  total,
  succeeded,
  failed,
  cancelled,
  successRate,
  ...noOutcomes,
});
const noResources = { commands: 0, cpuMs: 0, peakMemoryBytes: 0, bytesWritten: 0 };

describe('computeAnalytics (hand-computed)', () => {
  it('computes the whole report', () => {
    const report = roundFloats(computeAnalytics(sessions, events));
    expect(report).toEqual({
      overall: stats(5, 2, 1, 1, 0.5),
      byTemplate: [
        { templateId: 'tpl-a', ...stats(2, 1, 1, 0, 0.5) },
        { templateId: 'tpl-b', ...stats(2, 1, 0, 0, 1) },
      ],
      byRequestKind: [{ kind: 'request', ...stats(5, 2, 1, 1, 0.5) }],
      byModel: [],
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
      hostResources: { total: noResources, perSession: noResources, byPhase: [] },
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

describe('computeAnalytics: outcomes, request kinds, models and host resources (hand-computed)', () => {
  const outcome = (o: Outcome): NewSessionEvent => ({ type: 'outcome.recorded', sessionId: '', outcome: o });
  const rating = (value: number, by?: string): NewSessionEvent =>
    outcome({ kind: 'rating', value, source: 'github', ...(by ? { by } : {}) });
  const pr = (kind: 'merged' | 'closed' | 'reverted' | 'rolled_back'): NewSessionEvent =>
    outcome({ kind, source: 'github' });
  const modelUsage = (model: string): NewSessionEvent => used('planning', { ...usageOf(1, 1, 0), model });
  const measured = (resources: HostResources): NewSessionEvent => ({
    type: 'step.finished',
    sessionId: '',
    stepId: 'execute:0',
    step: 'execute',
    output: { summary: 'x', resources },
  });
  const gateMeasured = (resources: HostResources): NewSessionEvent => gateRun({ ...gate('tests', true), resources });
  const issue = { host: 'github', repo: 'o/r', number: 1, title: 't', body: '', labels: [] };

  const cases: Session[] = [
    makeSession('o1', { state: 'succeeded', input: { kind: 'issue', issue } }),
    makeSession('o2', { state: 'succeeded', input: { kind: 'template', template: 't', variables: {} } }),
    makeSession('o3', { state: 'failed' }),
    makeSession('o4', { state: 'succeeded', input: { kind: 'issue', issue } }),
  ];
  const logs = new Map<string, SessionEvent[]>([
    // Merged, then reverted: rejected. Rated by ana twice (the 2 replaces the 5) and anonymously twice (both count).
    [
      'o1',
      log('o1', [
        [0, modelUsage('m-a')],
        [0, modelUsage('m-b')],
        [0, measured({ commands: 3, cpuMs: 10.5, peakMemoryBytes: 100, bytesWritten: 7 })],
        [0, gateMeasured({ commands: 1, cpuMs: 2, peakMemoryBytes: 300, bytesWritten: 1 })],
        [0, pr('merged')],
        [0, rating(5, 'ana')],
        [0, pr('reverted')],
        [0, rating(2, 'ana')],
        [0, rating(4)],
        [0, rating(3)],
      ]),
    ],
    // Rolled back, then merged again: merged.
    [
      'o2',
      log('o2', [
        [0, modelUsage('m-a')],
        [0, measured({ commands: 2, cpuMs: 4, peakMemoryBytes: 50, bytesWritten: 3 })],
        [0, pr('rolled_back')],
        [0, pr('merged')],
      ]),
    ],
    // Closed unmerged; a malformed measurement counts its good fields only.
    [
      'o3',
      log('o3', [
        [0, gateRun({ ...gate('lint', true), resources: { commands: 2, cpuMs: -1 } as unknown as HostResources })],
        [0, pr('closed')],
      ]),
    ],
    // Nothing recorded.
    ['o4', log('o4', [[0, { type: 'session.finished', sessionId: '', state: 'succeeded' }]])],
  ]);

  it('counts the latest pull-request outcome and each rater’s latest rating', () => {
    const report = computeAnalytics(cases, logs);
    expect(report.overall).toEqual({
      total: 4,
      succeeded: 3,
      failed: 1,
      cancelled: 0,
      successRate: 0.75,
      merged: 1,
      rejected: 2,
      mergeRate: 1 / 3,
      ratings: 3,
      satisfaction: 3,
    });
  });

  it('groups by request kind and by every model a session used', () => {
    const report = computeAnalytics(cases, logs);
    expect(report.byRequestKind.map((r) => [r.kind, r.total, r.merged, r.rejected])).toEqual([
      ['issue', 2, 0, 1],
      ['request', 1, 0, 1],
      ['template', 1, 1, 0],
    ]);
    expect(report.byModel.map((r) => [r.model, r.total, r.merged, r.rejected, r.ratings])).toEqual([
      ['m-a', 2, 1, 1, 3],
      ['m-b', 1, 0, 1, 3],
    ]);
  });

  it('sums host resources per phase, keeps the highest peak, and averages the sessions’ peaks per session', () => {
    const report = computeAnalytics(cases, logs);
    expect(report.hostResources).toEqual({
      total: { commands: 8, cpuMs: 16.5, peakMemoryBytes: 300, bytesWritten: 11 },
      perSession: { commands: 2, cpuMs: 4.125, peakMemoryBytes: (300 + 50 + 0 + 0) / 4, bytesWritten: 2.75 },
      byPhase: [
        { phase: 'execution', resources: { commands: 5, cpuMs: 14.5, peakMemoryBytes: 100, bytesWritten: 10 } },
        { phase: 'verification', resources: { commands: 3, cpuMs: 2, peakMemoryBytes: 300, bytesWritten: 1 } },
      ],
    });
  });

  it('gives 0 satisfaction and merge rate with no outcome at all', () => {
    const report = computeAnalytics([cases[3] as Session], logs);
    expect(report.overall).toMatchObject(noOutcomes);
  });
});
