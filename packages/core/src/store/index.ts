/**
 * The in-memory store and the reference implementations every store shares: session filters,
 * library search scoring, error signatures, percentiles and analytics.
 */

export {
  analyticsBucket,
  computeAnalytics,
  DEFAULT_ANALYTICS_TOP,
  PHASE_OF_STEP,
  perSessionHostResources,
  type SuccessCounts,
  sessionInAnalyticsScope,
  stepDurations,
  successStats,
  successStatsOfCounts,
} from './analytics.js';
export { type AggregateRow, hostResourcesOfRow, successStatsOfRow, usageOfRow } from './analytics-rows.js';
export { ERROR_SIGNATURE_MAX_LENGTH, errorSignature } from './error-signature.js';
export { hostResourcesOf, hostResourcesOfEvent } from './host-resources.js';
export { LIBRARY_FIELD_WEIGHTS, scoreSession, searchSessions, tokenizeForSearch } from './library-search.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { nearestRank, percentile } from './percentile.js';
export { compareSessionsNewestFirst, sessionMatchesFilter } from './session-filter.js';
export {
  LIBRARY_OUTCOME_TIERS,
  outcomeFact,
  outcomeTierCaseSql,
  type PullRequestOutcome,
  raterKey,
  type SessionOutcome,
  sessionModels,
  sessionOutcome,
} from './session-outcome.js';
export {
  appendConflict,
  checkEventRange,
  checkExpectedSeq,
  checkStoreKey,
  type EventRange,
  storedJson,
} from './store-input.js';
