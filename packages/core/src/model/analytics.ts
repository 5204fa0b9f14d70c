import type { Phase } from './events.js';
import type { HostResources } from './report.js';
import type { SessionInput } from './session.js';
import type { Usage } from './usage.js';

/** Which sessions analytics covers. */
export interface AnalyticsQuery {
  /** ISO-8601 bounds on session `createdAt` (inclusive `since`, exclusive `until`). */
  since?: string;
  until?: string;
  templateId?: string;
  /** Bucket size for `overTime` (UTC). Default `day`. */
  bucket?: 'day' | 'week' | 'month';
  /** How many rows the top-N lists keep. Default 10. */
  top?: number;
}

/** Success counts for a group of sessions. Only terminal sessions count in `successRate`. */
export interface SuccessStats {
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** succeeded / (succeeded + failed + cancelled), 0 when none finished. */
  successRate: number;
  /** Sessions whose latest pull-request outcome (`merged`, `closed`, `reverted`, `rolled_back`) is `merged`. */
  merged: number;
  /** Sessions whose latest pull-request outcome is `closed` (unmerged), `reverted` or `rolled_back`. */
  rejected: number;
  /** merged / (merged + rejected), 0 when no session has a pull-request outcome. */
  mergeRate: number;
  /** Ratings counted: each rater's latest `rating` per session (a rating without `by` counts on its own). */
  ratings: number;
  /** Mean of the ratings counted (1..5), 0 when there is none. */
  satisfaction: number;
}

/** What a session was started from: `request`, `template` or `issue` (its input's `kind`). */
export type RequestKind = SessionInput['kind'];

/** The analytics phases host resources are reported for. */
export type ResourcePhase = 'execution' | 'verification';

/** Duration figures of one phase, nearest-rank percentiles over finished steps. */
export interface PhaseDuration {
  phase: Phase;
  count: number;
  p50Ms: number;
  p95Ms: number;
}

/** The analytics report. Every list is sorted as documented so stores can be compared exactly. */
export interface AnalyticsReport {
  overall: SuccessStats;
  /** Sorted by templateId; sessions without a template are left out. */
  byTemplate: Array<SuccessStats & { templateId: string }>;
  /** Per request kind (`issue`, `request`, `template`), sorted by kind; kinds without sessions are left out. */
  byRequestKind: Array<SuccessStats & { kind: RequestKind }>;
  /**
   * Per model id a session used (the `usage.model` of its `usage.recorded` events), sorted by model id: a
   * session that used two models counts in both; sessions with no model are left out.
   */
  byModel: Array<SuccessStats & { model: string }>;
  /** Sorted by bucket start (ISO date `YYYY-MM-DD`). */
  overTime: Array<SuccessStats & { bucket: string }>;
  /** Gates by number of failed runs, then name. */
  topFailingGates: Array<{ gate: string; failures: number }>;
  /** Normalised failure messages (see `errorSignature`) by count, then signature. */
  topErrorSignatures: Array<{ signature: string; count: number }>;
  /** Sorted by phase name. */
  phaseDurations: PhaseDuration[];
  usage: {
    total: Usage;
    /** total / number of sessions (0 when none). */
    perSession: Usage;
    /** Sorted by phase name; phases without usage are left out. */
    byPhase: Array<{ phase: Phase; usage: Usage }>;
  };
  /**
   * Host resources the sandbox measured: each finished execute step's report (`resources` of the
   * `step.finished` output) under `execution`, each gate's result (`resources` of a `verifier.gate` event)
   * under `verification`. `commands`, `cpuMs` and `bytesWritten` are sums; `peakMemoryBytes` is the highest
   * peak in `total` and `byPhase`, and the mean of the sessions' highest peaks in `perSession`.
   */
  hostResources: {
    total: HostResources;
    /** Sums divided by the number of sessions in scope (0 when none). */
    perSession: HostResources;
    /** Sorted by phase name; phases without a measurement are left out. */
    byPhase: Array<{ phase: ResourcePhase; resources: HostResources }>;
  };
}
