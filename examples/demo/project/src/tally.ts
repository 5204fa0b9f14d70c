/** The sum of the values (0 for none). */
export function total(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum;
}

/** The arithmetic mean of the values; `undefined` for none. */
export function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : total(values) / values.length;
}
