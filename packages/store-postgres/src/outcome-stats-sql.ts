import { LIBRARY_OUTCOME_TIERS, outcomeTierCaseSql } from '@sessionhub/core';

/**
 * Columns of the outcome figures over `sessions s LEFT JOIN session_outcomes oc ON oc.session_pk = s.pk` (the
 * per-session counts kept at append time, see `recordOutcomeFacts`), as core's `successStats` counts them.
 */
export const OUTCOME_COLUMNS = `count(*) FILTER (WHERE oc.pr_kind = 'merged') AS merged,
  count(*) FILTER (WHERE oc.pr_kind <> 'merged') AS rejected,
  coalesce(sum(oc.n_ratings), 0) AS ratings,
  coalesce(sum(oc.rating_sum), 0) AS rating_sum`;

/**
 * Core's `LIBRARY_OUTCOME_TIERS` of session `s` in SQL: the tier of its latest pull-request outcome, or that
 * of none. The kinds are core's constants, never user input.
 */
export const OUTCOME_TIER_SQL = `coalesce((SELECT ${outcomeTierCaseSql('o.pr_kind')}
  FROM session_outcomes o WHERE o.session_pk = s.pk), ${LIBRARY_OUTCOME_TIERS.none})`;
