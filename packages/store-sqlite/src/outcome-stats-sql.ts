import { LIBRARY_OUTCOME_TIERS } from '@sessionhub/core';
import type { SqlRow } from './driver.js';

/**
 * `oc (pk, pr_merged, n_ratings, rating_sum)`: one row per session with outcomes, as core's `sessionOutcome`
 * counts them: `pr_merged` is 1 when its latest pull-request outcome is `merged`, 0 when it is another
 * (NULL when it has none); `n_ratings` and `rating_sum` count each rater's latest rating.
 */
export const OUTCOMES_CTE = `oc AS (
  SELECT pk, max(pr_merged) AS pr_merged, sum(n_ratings) AS n_ratings, sum(rating_sum) AS rating_sum FROM (
    SELECT o.session_pk AS pk, (o.kind = 'merged') AS pr_merged, 0 AS n_ratings, 0 AS rating_sum
    FROM outcome_records o
    WHERE o.kind <> 'rating' AND NOT EXISTS (SELECT 1 FROM outcome_records l
      WHERE l.session_pk = o.session_pk AND l.kind <> 'rating' AND l.seq > o.seq)
    UNION ALL
    SELECT o.session_pk, NULL, 1, o.value FROM outcome_records o
    WHERE o.kind = 'rating' AND NOT EXISTS (SELECT 1 FROM outcome_records l
      WHERE l.session_pk = o.session_pk AND l.kind = 'rating' AND l.rater = o.rater AND l.seq > o.seq)
  ) GROUP BY pk)`;

/** Columns of the outcome figures over `sessions s LEFT JOIN oc ON oc.pk = s.pk`. */
export const OUTCOME_COLUMNS = `coalesce(sum(oc.pr_merged = 1), 0) AS merged,
  coalesce(sum(oc.pr_merged = 0), 0) AS rejected,
  coalesce(sum(oc.n_ratings), 0) AS ratings,
  coalesce(sum(oc.rating_sum), 0) AS rating_sum`;

/** The outcome figures of `SuccessStats` from a row with {@link OUTCOME_COLUMNS}. */
export function outcomeStats(row: SqlRow | undefined): {
  merged: number;
  rejected: number;
  mergeRate: number;
  ratings: number;
  satisfaction: number;
} {
  const merged = Number(row?.merged ?? 0);
  const rejected = Number(row?.rejected ?? 0);
  const ratings = Number(row?.ratings ?? 0);
  const ratingSum = Number(row?.rating_sum ?? 0);
  return {
    merged,
    rejected,
    mergeRate: merged + rejected === 0 ? 0 : merged / (merged + rejected),
    ratings,
    satisfaction: ratings === 0 ? 0 : ratingSum / ratings,
  };
}

/**
 * Core's `LIBRARY_OUTCOME_TIERS` of session `s` in SQL: the tier of its latest pull-request outcome, or that
 * of none. The kinds are core's constants, never user input.
 */
export const OUTCOME_TIER_SQL = `coalesce((SELECT CASE o.kind ${Object.entries(LIBRARY_OUTCOME_TIERS)
  .filter(([kind]) => kind !== 'none')
  .map(([kind, tier]) => `WHEN '${kind}' THEN ${tier}`)
  .join(' ')} END
  FROM outcome_records o WHERE o.session_pk = s.pk AND o.kind <> 'rating' ORDER BY o.seq DESC LIMIT 1),
  ${LIBRARY_OUTCOME_TIERS.none})`;
