/**
 * Nearest-rank percentile: sort ascending, take the value at rank `ceil(p / 100 * n)` (1-based,
 * at least 1). `p` is clamped to [0, 100]; an empty list gives 0. Always returns one of the values,
 * never an interpolation, so every store can compute it exactly.
 *
 * @example percentile([15, 20, 35, 40, 50], 50) === 35; percentile([1, 2, 3, 4], 95) === 4
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[nearestRank(p, sorted.length) - 1] as number;
}

/**
 * The 1-based rank {@link percentile} takes among `count` sorted values: `ceil(p / 100 * count)`, at least 1,
 * with `p` clamped to [0, 100]. A SQL store reads that row (`OFFSET rank - 1`) to choose the same value.
 */
export function nearestRank(p: number, count: number): number {
  const clamped = Math.min(100, Math.max(0, p));
  return Math.max(1, Math.ceil((clamped / 100) * count));
}
