import { expect } from 'vitest';
import type { AnalyticsQuery } from '../../model/analytics.js';
import type { SessionEvent } from '../../model/events.js';
import { recordOutcome } from '../../outcomes/record-outcome.js';
import type { Store } from '../../ports/store.js';
import { computeAnalytics } from '../../store/analytics.js';
import { expectCode, type StoreCase, sleep } from './store-case-kit.js';
import { analyticsScenario, isoDay, makeSession, usageOf } from './store-fixtures.js';

/** Rounds every number in a value to 1e-9 so float sums computed in a different order compare equal. */
export function roundFloats<T>(value: T): T {
  if (typeof value === 'number') return (Math.round(value * 1e9) / 1e9) as T;
  if (Array.isArray(value)) return value.map((v) => roundFloats(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundFloats(v)])) as T;
  }
  return value;
}

/** Seeds the analytics scenario, pausing a little between batches so step durations differ. */
async function seedAnalytics(store: Store): Promise<void> {
  for (const { session, batches } of analyticsScenario()) {
    await store.createSession(session);
    for (const [i, batch] of batches.entries()) {
      await store.appendEvents(session.id, batch);
      if (i % 2 === 1) await sleep(2);
    }
  }
}

/** The reference report over what the store gives back through the port. */
async function referenceReport(store: Store, query: AnalyticsQuery) {
  const sessions = await store.listSessions();
  const events = new Map<string, SessionEvent[]>();
  for (const session of sessions) events.set(session.id, await store.readEvents(session.id));
  return computeAnalytics(sessions, events, query);
}

const ANALYTICS_QUERIES: AnalyticsQuery[] = [
  {},
  { bucket: 'week' },
  { bucket: 'month' },
  { templateId: 'tpl-api' },
  { templateId: 'tpl-none' },
  // Bounds exactly on sessions' createdAt: an-03 is in (inclusive since), an-09 is out (exclusive until).
  { since: isoDay(1, 2), until: isoDay(9, 12) },
  { since: isoDay(3), bucket: 'week', top: 2 },
  { top: 1 },
  { top: 3, templateId: 'tpl-fix' },
];

/** Analytics. */
export const analyticsCases: StoreCase[] = [
  {
    group: 'analytics',
    name: 'analytics of an empty store is all zeros and empty lists',
    async run({ store }) {
      const zero = usageOf(0, 0, 0);
      const noResources = { commands: 0, cpuMs: 0, peakMemoryBytes: 0, bytesWritten: 0 };
      expect(
        roundFloats(await store.analytics()),
        'the port requires: analytics of an empty store is all zeros and empty lists (checking roundFloats(await store.analytics()))',
      ).toEqual({
        overall: {
          total: 0,
          succeeded: 0,
          failed: 0,
          cancelled: 0,
          successRate: 0,
          merged: 0,
          rejected: 0,
          mergeRate: 0,
          ratings: 0,
          satisfaction: 0,
        },
        byTemplate: [],
        byRequestKind: [],
        byModel: [],
        overTime: [],
        topFailingGates: [],
        topErrorSignatures: [],
        phaseDurations: [],
        usage: { total: zero, perSession: zero, byPhase: [] },
        hostResources: { total: noResources, perSession: noResources, byPhase: [] },
      });
    },
  },
  {
    group: 'analytics',
    name: 'analytics equals computeAnalytics on a rich scenario for every query',
    async run({ store }) {
      await seedAnalytics(store);
      for (const query of ANALYTICS_QUERIES) {
        const expected = roundFloats(await referenceReport(store, query));
        const actual = roundFloats(await store.analytics(query));
        expect(actual, `analytics(${JSON.stringify(query)})`).toEqual(expected);
      }
    },
  },
  {
    group: 'analytics',
    name: 'analytics of the scenario covers every section',
    async run({ store }) {
      // Guards the suite itself: the equality case is only as strong as the scenario is rich.
      await seedAnalytics(store);
      const report = await store.analytics();
      expect(
        report.overall,
        'the port requires: analytics of the scenario covers every section (checking report.overall)',
      ).toMatchObject({ total: 12, succeeded: 5, failed: 4, cancelled: 1 });
      expect(
        report.byTemplate.map((t) => t.templateId),
        'the port requires: analytics of the scenario covers every section (checking report.byTemplate.map((t) => t.templateId))',
      ).toEqual(['tpl-api', 'tpl-docs', 'tpl-fix']);
      expect(
        report.overTime.length,
        'the port requires: analytics of the scenario covers every section (checking report.overTime.length)',
      ).toBeGreaterThan(5);
      expect(
        report.topFailingGates.map((g) => g.gate),
        'the port requires: analytics of the scenario covers every section (checking report.topFailingGates.map((g) => g.gate))',
      ).toEqual(['tests', 'lint', 'types', 'secrets']);
      expect(
        report.topErrorSignatures.length,
        'the port requires: analytics of the scenario covers every section (checking report.topErrorSignatures.length)',
      ).toBeGreaterThan(4);
      expect(
        report.phaseDurations.map((p) => p.phase),
        'the port requires: analytics of the scenario covers every section (checking report.phaseDurations.map((p) => p.phase))',
      ).toEqual(['approval', 'execution', 'foundation', 'planning', 'verification']);
      expect(
        report.usage.byPhase.map((p) => p.phase),
        'the port requires: analytics of the scenario covers every section (checking report.usage.byPhase.map((p) => p.phase))',
      ).toEqual(['execution', 'foundation', 'planning']);
      expect(
        [report.usage.total.costUnknown, report.usage.byPhase.map((p) => p.usage.costUnknown)],
        'the port requires: analytics of the scenario covers every section (checking usage.costUnknown)',
      ).toEqual([true, [undefined, undefined, true]]);
      expect(
        report.overall,
        'the port requires: analytics of the scenario covers every section (checking the outcomes in report.overall)',
      ).toMatchObject({ merged: 3, rejected: 3, mergeRate: 0.5, ratings: 7, satisfaction: 20 / 7 });
      expect(
        report.byRequestKind.map((k) => [k.kind, k.total]),
        'the port requires: analytics of the scenario covers every section (checking report.byRequestKind)',
      ).toEqual([
        ['issue', 3],
        ['request', 1],
        ['template', 8],
      ]);
      expect(
        report.byModel.map((m) => [m.model, m.total]),
        'the port requires: analytics of the scenario covers every section (checking report.byModel)',
      ).toEqual([
        ['claude-opus-4-1', 4],
        ['claude-sonnet-4-6', 5],
        ['gpt-5-mini', 3],
      ]);
      expect(
        report.hostResources.byPhase.map((p) => p.phase),
        'the port requires: analytics of the scenario covers every section (checking report.hostResources.byPhase)',
      ).toEqual(['execution', 'verification']);
      expect(
        report.hostResources.total.commands,
        'the port requires: analytics of the scenario covers every section (checking report.hostResources.total)',
      ).toBeGreaterThan(0);
    },
  },
  {
    group: 'analytics',
    name: 'an outcome recorded with recordOutcome counts in analytics',
    async run({ store }) {
      await store.createSession(
        makeSession('an-rec', { state: 'succeeded', input: { kind: 'issue', issue: issueRef } }),
      );
      await store.appendEvents('an-rec', [
        {
          type: 'usage.recorded',
          sessionId: 'an-rec',
          phase: 'planning',
          usage: { ...usageOf(10, 2, 0.5), model: 'm-1' },
        },
        { type: 'session.finished', sessionId: 'an-rec', state: 'succeeded' },
      ]);
      await recordOutcome(store, 'an-rec', { kind: 'merged', source: 'github' });
      await recordOutcome(store, 'an-rec', { kind: 'rating', value: 4, source: 'github', by: 'ana' });
      const report = await store.analytics();
      const outcomes = { merged: 1, rejected: 0, mergeRate: 1, ratings: 1, satisfaction: 4 };
      expect(report.overall, 'the port requires: a recorded outcome counts (checking report.overall)').toMatchObject(
        outcomes,
      );
      expect(
        report.byRequestKind,
        'the port requires: a recorded outcome counts (checking report.byRequestKind)',
      ).toEqual([{ kind: 'issue', total: 1, succeeded: 1, failed: 0, cancelled: 0, successRate: 1, ...outcomes }]);
      expect(report.byModel, 'the port requires: a recorded outcome counts (checking report.byModel)').toEqual([
        { model: 'm-1', total: 1, succeeded: 1, failed: 0, cancelled: 0, successRate: 1, ...outcomes },
      ]);
      await recordOutcome(store, 'an-rec', { kind: 'reverted', source: 'github' });
      expect(
        (await store.analytics()).overall,
        'the port requires: a later revert replaces the merge (checking report.overall)',
      ).toMatchObject({ merged: 0, rejected: 1, mergeRate: 0 });
    },
  },
  {
    group: 'analytics',
    name: 'recordOutcome refuses a running session and writes nothing',
    async run({ store }) {
      await store.createSession(makeSession('an-run', { state: 'executing' }));
      await store.appendEvents('an-run', [
        { type: 'state.changed', sessionId: 'an-run', from: 'created', to: 'executing' },
      ]);
      await expectCode(recordOutcome(store, 'an-run', { kind: 'merged', source: 'github' }), 'session.invalid_state');
      expect(
        (await store.readEvents('an-run')).map((e) => e.type),
        'the port requires: recordOutcome refuses a running session and writes nothing (checking the log)',
      ).toEqual(['state.changed']);
      expect((await store.analytics()).overall.merged, 'no outcome counts').toBe(0);
    },
  },
];

const issueRef = { host: 'github', repo: 'o/r', number: 9, title: 'Fix it', body: '', labels: [] };
