import { expect } from 'vitest';
import type { AnalyticsQuery } from '../../model/analytics.js';
import type { SessionEvent } from '../../model/events.js';
import type { Store } from '../../ports/store.js';
import { computeAnalytics } from '../../store/analytics.js';
import { type StoreCase, sleep } from './store-case-kit.js';
import { analyticsScenario, isoDay, usageOf } from './store-fixtures.js';

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
      expect(
        roundFloats(await store.analytics()),
        'the port requires: analytics of an empty store is all zeros and empty lists (checking roundFloats(await store.analytics()))',
      ).toEqual({
        overall: { total: 0, succeeded: 0, failed: 0, cancelled: 0, successRate: 0 },
        byTemplate: [],
        overTime: [],
        topFailingGates: [],
        topErrorSignatures: [],
        phaseDurations: [],
        usage: { total: zero, perSession: zero, byPhase: [] },
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
    },
  },
];
