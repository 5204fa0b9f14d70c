import { describe, expect, it } from 'vitest';
import {
  hostResourcesOfRow,
  nearestRank,
  perSessionHostResources,
  successStats,
  successStatsOfRow,
  usageOfRow,
} from '../src/store/index.js';

describe('successStatsOfRow', () => {
  it('reads driver values (bigint strings, numbers) and derives the rates as successStats does', () => {
    const row = {
      total: '5',
      succeeded: 3n,
      failed: '1',
      cancelled: 0,
      merged: '2',
      rejected: 1,
      ratings: '4',
      rating_sum: '14',
    };
    expect(successStatsOfRow(row)).toEqual({
      total: 5,
      succeeded: 3,
      failed: 1,
      cancelled: 0,
      successRate: 0.75,
      merged: 2,
      rejected: 1,
      mergeRate: 2 / 3,
      ratings: 4,
      satisfaction: 3.5,
    });
  });

  it('counts a missing row or column as 0, the same as successStats of no sessions', () => {
    expect(successStatsOfRow(undefined)).toEqual(successStats([]));
    expect(successStatsOfRow({ total: null })).toEqual(successStats([]));
  });
});

describe('usageOfRow', () => {
  const sums = {
    input_tokens: '10',
    output_tokens: 20,
    cache_read_tokens: '3',
    cache_write_tokens: null,
    cost_usd: 0.25,
  };

  it.each([
    [true, true],
    [1, true],
    [false, false],
    [0, false],
    [null, false],
  ])('cost_unknown %j sets costUnknown: %j', (costUnknown, expected) => {
    const usage = usageOfRow({ ...sums, cost_unknown: costUnknown });
    expect(usage).toEqual({
      inputTokens: 10,
      outputTokens: 20,
      cacheReadTokens: 3,
      cacheWriteTokens: 0,
      costUsd: 0.25,
      ...(expected ? { costUnknown: true } : {}),
    });
    expect('costUnknown' in usage).toBe(expected);
  });
});

describe('hostResourcesOfRow and perSessionHostResources', () => {
  it('reads the resource columns; a missing row is all zeros', () => {
    expect(hostResourcesOfRow({ commands: '4', cpu_ms: 120, peak_memory_bytes: '2048', bytes_written: 10 })).toEqual({
      commands: 4,
      cpuMs: 120,
      peakMemoryBytes: 2048,
      bytesWritten: 10,
    });
    expect(hostResourcesOfRow(undefined)).toEqual({ commands: 0, cpuMs: 0, peakMemoryBytes: 0, bytesWritten: 0 });
  });

  it('divides the sums by the sessions and takes the mean of the per-session peaks; 0 sessions give zeros', () => {
    const total = { commands: 6, cpuMs: 300, peakMemoryBytes: 900, bytesWritten: 30 };
    expect(perSessionHostResources(total, 1200, 3)).toEqual({
      commands: 2,
      cpuMs: 100,
      peakMemoryBytes: 400,
      bytesWritten: 10,
    });
    expect(perSessionHostResources(total, 1200, 0)).toEqual({
      commands: 0,
      cpuMs: 0,
      peakMemoryBytes: 0,
      bytesWritten: 0,
    });
  });
});

describe('nearestRank', () => {
  it.each([
    [50, 0, 1],
    [50, 5, 3],
    [95, 20, 19],
    [95, 100, 95],
    [0, 4, 1],
    [-5, 4, 1],
    [250, 4, 4],
  ])('nearestRank(%d, %d) = %d', (p, count, rank) => {
    expect(nearestRank(p, count)).toBe(rank);
  });
});
