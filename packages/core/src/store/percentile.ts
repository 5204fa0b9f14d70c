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
  const clamped = Math.min(100, Math.max(0, p));
  const rank = Math.max(1, Math.ceil((clamped / 100) * sorted.length));
  return sorted[rank - 1] as number;
}
