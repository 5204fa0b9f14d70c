import { expect } from 'vitest';
import type { NewSessionEvent } from '../../model/events.js';
import type { Session } from '../../model/session.js';
import type { Store } from '../../ports/store.js';
import { computeAnalytics } from '../../store/analytics.js';

const usage = { inputTokens: 20, outputTokens: 4, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.5 };
const gateResources = { commands: 1, cpuMs: 30, peakMemoryBytes: 3_000_000, bytesWritten: 100 };

/**
 * A finished session's log as a store written before its analytics side tables holds it: an execute report and a
 * gate that measured resources, a model call of unknown cost, a merged pull request and one rating of 4. A
 * migration must derive from it what {@link expectBackfilledAnalytics} checks.
 */
export function analyticsBackfillEvents(sessionId: string): NewSessionEvent[] {
  return [
    { type: 'step.started', sessionId, stepId: 'execute:0', step: 'execute', attempt: 0 },
    {
      type: 'step.finished',
      sessionId,
      stepId: 'execute:0',
      step: 'execute',
      output: { resources: { commands: 4, cpuMs: 120.5, peakMemoryBytes: 2_000_000, bytesWritten: 8192 } },
    },
    {
      type: 'usage.recorded',
      sessionId,
      phase: 'execution',
      usage: { ...usage, costUnknown: true, model: 'claude-sonnet-4-6' },
    },
    {
      type: 'verifier.gate',
      sessionId,
      attempt: 0,
      result: { name: 'tests', passed: true, durationMs: 3, output: 'ok', failures: [], resources: gateResources },
    },
    { type: 'session.finished', sessionId, state: 'succeeded' },
    { type: 'outcome.recorded', sessionId, outcome: { kind: 'merged', source: 'github' } },
    { type: 'outcome.recorded', sessionId, outcome: { kind: 'rating', value: 4, source: 'github', by: 'ana' } },
  ];
}

/**
 * Checks a migrated store whose only session is `session`, its log {@link analyticsBackfillEvents}: the analytics
 * equal core's `computeAnalytics` of the stored log, with the outcomes, the model, the unknown cost and the host
 * resources derived from the old events; then an outcome appended after the migration joins the derived rows.
 */
export async function expectBackfilledAnalytics(store: Store, session: Session): Promise<void> {
  const stored = await store.readEvents(session.id);
  const report = await store.analytics();
  expect(report).toEqual(computeAnalytics([session], new Map([[session.id, stored]])));
  expect(report.overall).toMatchObject({ merged: 1, rejected: 0, ratings: 1, satisfaction: 4 });
  expect(report.byModel.map((m) => m.model)).toEqual(['claude-sonnet-4-6']);
  expect(report.usage.total.costUnknown).toBe(true);
  expect(report.hostResources.total).toEqual({
    commands: 5,
    cpuMs: 150.5,
    peakMemoryBytes: 3_000_000,
    bytesWritten: 8292,
  });
  await store.appendEvents(session.id, [
    { type: 'outcome.recorded', sessionId: session.id, outcome: { kind: 'reverted', source: 'github' } },
  ]);
  expect((await store.analytics()).overall).toMatchObject({ merged: 0, rejected: 1 });
}
