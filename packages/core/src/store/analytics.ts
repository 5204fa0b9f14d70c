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
  if (query.templateId !== undefined && session.templateId !== query.templateId) return false;
  if (query.since === undefined && query.until === undefined) return true;
  const created = instantOf(session.createdAt);
  if (query.since !== undefined && !(created >= instantOf(query.since))) return false;
  if (query.until !== undefined && !(created < instantOf(query.until))) return false;
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

function emptyCounts(): SuccessCounts {
  return { total: 0, succeeded: 0, failed: 0, cancelled: 0, merged: 0, rejected: 0, ratings: 0, ratingSum: 0 };
}

/** Adds one session (its state and, if it has one, its outcome) to `counts`. */
function countSession(counts: SuccessCounts, session: Session, outcome: SessionOutcome | undefined): void {
  counts.total++;
  if (session.state === 'succeeded') counts.succeeded++;
  else if (session.state === 'failed') counts.failed++;
  else if (session.state === 'cancelled') counts.cancelled++;
  if (!outcome) return;
  if (outcome.pullRequest === 'merged') counts.merged++;
  else if (outcome.pullRequest !== undefined) counts.rejected++;
  counts.ratings += outcome.ratings.length;
  for (const value of outcome.ratings) counts.ratingSum += value;
}

/** Adds one session to the counts of its group `key` (a session without a key is in no group). */
function countInGroup(
  groups: Map<string, SuccessCounts>,
  key: string | undefined,
  session: Session,
  outcome: SessionOutcome | undefined,
): void {
  if (key === undefined) return;
  let counts = groups.get(key);
  if (!counts) {
    counts = emptyCounts();
    groups.set(key, counts);
  }
  countSession(counts, session, outcome);
}

/** Groups' stats sorted by key. */
function statsByKey(groups: Map<string, SuccessCounts>): Array<[string, SuccessStats]> {
  return [...groups.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([key, counts]) => [key, successStatsOfCounts(counts)]);
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
  const counts = emptyCounts();
  for (const s of sessions) countSession(counts, s, outcomes.get(s.id));
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

  // One pass over the sessions feeds every section; a session without events adds only its state.
  const overall = emptyCounts();
  const templates = new Map<string, SuccessCounts>();
  const kinds = new Map<string, SuccessCounts>();
  const models = new Map<string, SuccessCounts>();
  const buckets = new Map<string, SuccessCounts>();
  const gateFailures = new Map<string, number>();
  const signatures = new Map<string, number>();
  const durations = new Map<Phase, number[]>();
  let total = emptyUsage();
  const usageByPhase = new Map<Phase, Usage>();
  let resourcesTotal = emptyHostResources();
  const resourcesByPhase = new Map<ResourcePhase, HostResources>();
  let peakSum = 0;

  for (const session of scoped) {
    const events = eventsOf(session.id);
    const outcome = events.length === 0 ? undefined : sessionOutcome(events);
    countSession(overall, session, outcome);
    countInGroup(templates, session.templateId, session, outcome);
    countInGroup(kinds, session.input?.kind, session, outcome);
    countInGroup(buckets, analyticsBucket(session.createdAt, query.bucket), session, outcome);
    if (events.length === 0) continue;
    for (const model of sessionModels(events)) countInGroup(models, model, session, outcome);
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
    peakSum += peak;
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
    overall: successStatsOfCounts(overall),
    byTemplate: statsByKey(templates).map(([templateId, stats]) => ({ templateId, ...stats })),
    byRequestKind: statsByKey(kinds).map(([kind, stats]) => ({ kind: kind as RequestKind, ...stats })),
    byModel: statsByKey(models).map(([model, stats]) => ({ model, ...stats })),
    overTime: statsByKey(buckets).map(([bucket, stats]) => ({ bucket, ...stats })),
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
      perSession: perSessionHostResources(resourcesTotal, peakSum, scoped.length),
      byPhase: [...resourcesByPhase.entries()]
        .sort(([a], [b]) => compareStrings(a, b))
        .map(([phase, resources]) => ({ phase, resources })),
    },
  };
}
