import type {
  AnalyticsQuery,
  AnalyticsReport,
  PhaseDuration,
  RequestKind,
  ResourcePhase,
  SuccessStats,
} from '../model/analytics.js';
import type { Phase, SessionEvent, StepKind } from '../model/events.js';
import { addHostResources, emptyHostResources, type HostResources } from '../model/report.js';
import type { Session } from '../model/session.js';
import { addUsage, divideUsage, emptyUsage, type Usage } from '../model/usage.js';
import { errorSignature } from './error-signature.js';
import { hostResourcesOfEvent } from './host-resources.js';
import { percentile } from './percentile.js';
import { compareStrings, instantOf } from './session-filter.js';
import { type SessionOutcome, sessionModels, sessionOutcome } from './session-outcome.js';

/** The phase each engine step kind reports under. */
export const PHASE_OF_STEP: Readonly<Record<StepKind, Phase>> = Object.freeze({
  plan: 'planning',
  approve: 'approval',
  execute: 'execution',
  verify: 'verification',
  foundation: 'foundation',
  commit: 'verification',
});

/** Rows kept by the top-N lists when the query gives no `top`. */
export const DEFAULT_ANALYTICS_TOP = 10;

/** Whether a session is inside an analytics query: `createdAt` in [since, until) and the template. */
export function sessionInAnalyticsScope(session: Session, query: AnalyticsQuery = {}): boolean {
  const created = instantOf(session.createdAt);
  if (query.since !== undefined && !(created >= instantOf(query.since))) return false;
  if (query.until !== undefined && !(created < instantOf(query.until))) return false;
  if (query.templateId !== undefined && session.templateId !== query.templateId) return false;
  return true;
}

/**
 * The UTC bucket a timestamp falls in, as the ISO date (`YYYY-MM-DD`) the bucket starts on:
 * the day itself, the Monday of its ISO week, or the first of its month.
 */
export function analyticsBucket(iso: string, bucket: NonNullable<AnalyticsQuery['bucket']> = 'day'): string {
  const date = new Date(instantOf(iso));
  if (Number.isNaN(date.getTime())) return 'invalid';
  if (bucket === 'month') date.setUTCDate(1);
  if (bucket === 'week') date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

/** The counts a {@link SuccessStats} is made of; the rates follow from them. */
export interface SuccessCounts {
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  merged: number;
  rejected: number;
  ratings: number;
  /** The sum of the ratings counted. */
  ratingSum: number;
}

/** The {@link SuccessStats} of some counts: `successRate`, `mergeRate` and `satisfaction` (each 0 with nothing to divide). */
export function successStatsOfCounts(counts: SuccessCounts): SuccessStats {
  const { total, succeeded, failed, cancelled, merged, rejected, ratings, ratingSum } = counts;
  const finished = succeeded + failed + cancelled;
  return {
    total,
    succeeded,
    failed,
    cancelled,
    successRate: finished === 0 ? 0 : succeeded / finished,
    merged,
    rejected,
    mergeRate: merged + rejected === 0 ? 0 : merged / (merged + rejected),
    ratings,
    satisfaction: ratings === 0 ? 0 : ratingSum / ratings,
  };
}

/**
 * Success and outcome counts of a group of sessions.
 *
 * @param outcomes each session's {@link SessionOutcome} by id (sessions not in it have none)
 */
export function successStats(
  sessions: readonly Session[],
  outcomes: ReadonlyMap<string, SessionOutcome> = new Map(),
): SuccessStats {
  const counts: SuccessCounts = {
    total: sessions.length,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    merged: 0,
    rejected: 0,
    ratings: 0,
    ratingSum: 0,
  };
  for (const s of sessions) {
    if (s.state === 'succeeded') counts.succeeded++;
    else if (s.state === 'failed') counts.failed++;
    else if (s.state === 'cancelled') counts.cancelled++;
    const outcome = outcomes.get(s.id);
    if (!outcome) continue;
    if (outcome.pullRequest === 'merged') counts.merged++;
    else if (outcome.pullRequest !== undefined) counts.rejected++;
    counts.ratings += outcome.ratings.length;
    for (const value of outcome.ratings) counts.ratingSum += value;
  }
  return successStatsOfCounts(counts);
}

/**
 * Host resources per session: `commands`, `cpuMs` and `bytesWritten` of the total divided by the number
 * of sessions, `peakMemoryBytes` the mean of each session's highest peak; all 0 for no sessions.
 *
 * @param peakSum the sum over the sessions of each one's highest `peakMemoryBytes`
 */
export function perSessionHostResources(total: HostResources, peakSum: number, sessions: number): HostResources {
  if (sessions === 0) return emptyHostResources();
  return {
    commands: total.commands / sessions,
    cpuMs: total.cpuMs / sessions,
    peakMemoryBytes: peakSum / sessions,
    bytesWritten: total.bytesWritten / sessions,
  };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function increment(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

/** Count rows by count descending, then key ascending, cut to `top`. */
function topCounts(counts: Map<string, number>, top: number): Array<[string, number]> {
  return [...counts.entries()].sort(([ka, a], [kb, b]) => b - a || compareStrings(ka, kb)).slice(0, Math.max(0, top));
}

/**
 * Step durations of one session's log: each `step.finished` pairs with the latest earlier
 * `step.started` of the same `stepId` not yet paired; the duration is the difference of their
 * `at` instants in milliseconds (negative differences count as 0), under the finished step's phase.
 */
export function stepDurations(events: readonly SessionEvent[]): Array<{ phase: Phase; durationMs: number }> {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  const open = new Map<string, SessionEvent>();
  const durations: Array<{ phase: Phase; durationMs: number }> = [];
  for (const event of ordered) {
    if (event.type === 'step.started') open.set(event.stepId, event);
    else if (event.type === 'step.finished') {
      const started = open.get(event.stepId);
      if (!started) continue;
      open.delete(event.stepId);
      const durationMs = Math.max(0, instantOf(event.at) - instantOf(started.at));
      if (Number.isNaN(durationMs)) continue;
      durations.push({ phase: PHASE_OF_STEP[event.step], durationMs });
    }
  }
  return durations;
}

/**
 * The reference analytics: what every `Store.analytics` must return for the same sessions and
 * events. Definitions (also in docs/analytics.md):
 * - scope: sessions with `createdAt` in [`since`, `until`) and, if given, `templateId`; only their events count;
 * - success: from session `state`; `successRate` = succeeded / (succeeded + failed + cancelled), 0 when none finished;
 * - `byTemplate`: per `templateId` (sessions without one left out), sorted by id; `overTime`: per UTC bucket of `createdAt`;
 * - `topFailingGates`: each `verifier.gate` event whose result did not pass counts one failure for its gate name;
 * - `topErrorSignatures`: {@link errorSignature} of every `failures[].message` of a failed gate and of every
 *   `session.finished` `error.message`; one count per occurrence;
 * - `phaseDurations`: {@link stepDurations}, nearest-rank p50/p95 per phase, phases without a finished step left out;
 * - `usage`: sums of `usage.recorded` events; `perSession` divides by the number of sessions in scope;
 * - outcomes (`merged`, `rejected`, `mergeRate`, `ratings`, `satisfaction` of every {@link SuccessStats}): from
 *   `outcome.recorded` events, see {@link sessionOutcome};
 * - `byRequestKind`: per `input.kind`; `byModel`: per model id of {@link sessionModels} (a session in each of
 *   its models, sessions without one left out); both sorted by key;
 * - `hostResources`: {@link hostResourcesOfEvent} of every event; `commands`, `cpuMs`, `bytesWritten` summed,
 *   `peakMemoryBytes` the highest (in `perSession`: the mean of each session's highest, 0 for a session without).
 *
 * @param sessions every session (those out of the query's scope are ignored)
 * @param eventsBySessionId each session's events (any order; sorted by `seq` here)
 */
export function computeAnalytics(
  sessions: readonly Session[],
  eventsBySessionId: ReadonlyMap<string, readonly SessionEvent[]> | Readonly<Record<string, readonly SessionEvent[]>>,
  query: AnalyticsQuery = {},
): AnalyticsReport {
  const eventsOf = (id: string): readonly SessionEvent[] =>
    (eventsBySessionId instanceof Map
      ? eventsBySessionId.get(id)
      : (eventsBySessionId as Record<string, SessionEvent[]>)[id]) ?? [];
  const top = query.top ?? DEFAULT_ANALYTICS_TOP;
  const scoped = sessions.filter((s) => sessionInAnalyticsScope(s, query));
  const outcomes = new Map(scoped.map((s) => [s.id, sessionOutcome(eventsOf(s.id))]));
  const stats = (group: readonly Session[]) => successStats(group, outcomes);

  const byTemplate = [...groupBy(scoped, (s) => s.templateId).entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([templateId, group]) => ({ templateId, ...stats(group) }));
  const byRequestKind = [...groupBy(scoped, (s) => s.input?.kind).entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([kind, group]) => ({ kind: kind as RequestKind, ...stats(group) }));
  const byModelGroups = new Map<string, Session[]>();
  for (const session of scoped) {
    for (const model of sessionModels(eventsOf(session.id))) {
      const group = byModelGroups.get(model);
      if (group) group.push(session);
      else byModelGroups.set(model, [session]);
    }
  }
  const byModel = [...byModelGroups.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([model, group]) => ({ model, ...stats(group) }));
  const overTime = [...groupBy(scoped, (s) => analyticsBucket(s.createdAt, query.bucket)).entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([bucket, group]) => ({ bucket, ...stats(group) }));

  const gateFailures = new Map<string, number>();
  const signatures = new Map<string, number>();
  const durations = new Map<Phase, number[]>();
  let total = emptyUsage();
  const usageByPhase = new Map<Phase, Usage>();
  let resourcesTotal = emptyHostResources();
  const resourcesByPhase = new Map<ResourcePhase, HostResources>();
  const sessionPeaks: number[] = [];

  for (const session of scoped) {
    const events = eventsOf(session.id);
    let peak = 0;
    for (const event of events) {
      const measured = hostResourcesOfEvent(event);
      if (measured) {
        const { phase, resources } = measured;
        resourcesTotal = addHostResources(resourcesTotal, resources);
        resourcesByPhase.set(phase, addHostResources(resourcesByPhase.get(phase) ?? emptyHostResources(), resources));
        peak = Math.max(peak, resources.peakMemoryBytes);
      }
      if (event.type === 'verifier.gate' && !event.result.passed) {
        increment(gateFailures, event.result.name);
        for (const failure of event.result.failures) increment(signatures, errorSignature(failure.message));
      } else if (event.type === 'session.finished' && event.error) {
        increment(signatures, errorSignature(event.error.message));
      } else if (event.type === 'usage.recorded') {
        total = addUsage(total, event.usage);
        usageByPhase.set(event.phase, addUsage(usageByPhase.get(event.phase) ?? emptyUsage(), event.usage));
      }
    }
    sessionPeaks.push(peak);
    for (const { phase, durationMs } of stepDurations(events)) {
      const list = durations.get(phase);
      if (list) list.push(durationMs);
      else durations.set(phase, [durationMs]);
    }
  }

  const phaseDurations: PhaseDuration[] = [...durations.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([phase, values]) => ({
      phase,
      count: values.length,
      p50Ms: percentile(values, 50),
      p95Ms: percentile(values, 95),
    }));

  return {
    overall: stats(scoped),
    byTemplate,
    byRequestKind,
    byModel,
    overTime,
    topFailingGates: topCounts(gateFailures, top).map(([gate, failures]) => ({ gate, failures })),
    topErrorSignatures: topCounts(signatures, top).map(([signature, count]) => ({ signature, count })),
    phaseDurations,
    usage: {
      total,
      perSession: divideUsage(total, scoped.length),
      byPhase: [...usageByPhase.entries()]
        .sort(([a], [b]) => compareStrings(a, b))
        .map(([phase, usage]) => ({ phase, usage })),
    },
    hostResources: {
      total: resourcesTotal,
      perSession: perSessionHostResources(
        resourcesTotal,
        sessionPeaks.reduce((sum, peak) => sum + peak, 0),
        scoped.length,
      ),
      byPhase: [...resourcesByPhase.entries()]
        .sort(([a], [b]) => compareStrings(a, b))
        .map(([phase, resources]) => ({ phase, resources })),
    },
  };
}
