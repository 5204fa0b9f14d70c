import type { Phase } from './events.js';
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
}

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
}
