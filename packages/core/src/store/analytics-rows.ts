import type { SuccessStats } from '../model/analytics.js';
import type { HostResources } from '../model/report.js';
import type { Usage } from '../model/usage.js';
import { successStatsOfCounts } from './analytics.js';

/** One row of a SQL store's aggregate query: column name to the driver's value (a number, bigint, numeric string, boolean or null). */
export type AggregateRow = Readonly<Record<string, unknown>>;

function count(row: AggregateRow | undefined, column: string): number {
  return Number(row?.[column] ?? 0);
}

/**
 * The {@link SuccessStats} of an aggregate row with the columns `total`, `succeeded`, `failed`, `cancelled`,
 * `merged`, `rejected`, `ratings` and `rating_sum` (a missing column or row counts 0).
 */
export function successStatsOfRow(row: AggregateRow | undefined): SuccessStats {
  return successStatsOfCounts({
    total: count(row, 'total'),
    succeeded: count(row, 'succeeded'),
    failed: count(row, 'failed'),
    cancelled: count(row, 'cancelled'),
    merged: count(row, 'merged'),
    rejected: count(row, 'rejected'),
    ratings: count(row, 'ratings'),
    ratingSum: count(row, 'rating_sum'),
  });
}

/**
 * The {@link Usage} of an aggregate row with the columns `input_tokens`, `output_tokens`, `cache_read_tokens`,
 * `cache_write_tokens`, `cost_usd` and `cost_unknown` (true or 1 sets `costUnknown`; a missing column counts 0).
 */
export function usageOfRow(row: AggregateRow): Usage {
  return {
    inputTokens: count(row, 'input_tokens'),
    outputTokens: count(row, 'output_tokens'),
    cacheReadTokens: count(row, 'cache_read_tokens'),
    cacheWriteTokens: count(row, 'cache_write_tokens'),
    costUsd: count(row, 'cost_usd'),
    ...(count(row, 'cost_unknown') === 1 ? { costUnknown: true } : {}),
  };
}

/**
 * The {@link HostResources} of an aggregate row with the columns `commands`, `cpu_ms`, `peak_memory_bytes` and
 * `bytes_written` (a missing column or row counts 0).
 */
export function hostResourcesOfRow(row: AggregateRow | undefined): HostResources {
  return {
    commands: count(row, 'commands'),
    cpuMs: count(row, 'cpu_ms'),
    peakMemoryBytes: count(row, 'peak_memory_bytes'),
    bytesWritten: count(row, 'bytes_written'),
  };
}
