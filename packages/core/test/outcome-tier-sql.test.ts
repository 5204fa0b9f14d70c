import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { LIBRARY_OUTCOME_TIERS, outcomeTierCaseSql } from '../src/store/index.js';

describe('outcomeTierCaseSql', () => {
  // Run by a real SQL engine (Node's built-in SQLite): the CASE must give core's tier for every outcome kind.
  const db = new DatabaseSync(':memory:');
  const tierOf = (kind: string | null): unknown =>
    db.prepare(`SELECT ${outcomeTierCaseSql('k.kind')} AS tier FROM (SELECT ? AS kind) k`).get(kind)?.tier;

  it.each(Object.entries(LIBRARY_OUTCOME_TIERS).filter(([kind]) => kind !== 'none'))('%s → tier %d', (kind, tier) => {
    expect(tierOf(kind)).toBe(tier);
  });

  it('gives NULL for no outcome and for an unknown kind (the store coalesces it to the tier of none)', () => {
    expect(tierOf(null)).toBeNull();
    expect(tierOf('merged; DROP')).toBeNull();
  });
});
