import type { AnalyticsQuery, RequestKind, SuccessStats } from '@sessionhub/core';
import { successStatsOfRow } from '@sessionhub/core';
import type { SqlConnection, SqlRow } from './driver.js';
import { OUTCOME_COLUMNS } from './outcome-stats-sql.js';
import type { SqlWhere } from './session-query.js';

/** A bucket's key from `day` (`sessions.created_day`: the UTC midnight of `created_ms` in unix seconds), or 'invalid'. */
const BUCKET_SQL: Record<NonNullable<AnalyticsQuery['bucket']>, string> = {
  day: `coalesce(date(day, 'unixepoch'), 'invalid')`,
  // The Monday of the ISO week: step back 6 days, then forward to the next Monday (same day if Monday).
  week: `coalesce(date(day, 'unixepoch', '-6 days', 'weekday 1'), 'invalid')`,
  month: `coalesce(date(day, 'unixepoch', 'start of month'), 'invalid')`,
};

/** The section numbers of {@link sectionsSql}'s rows, in its order. */
const OVERALL = 0;
const BY_TEMPLATE = 1;
const BY_REQUEST_KIND = 2;
const OVER_TIME = 3;

/**
 * The four success-stats sections of `source` (rows with `template_id`, `input_kind` and `day`) as one row
 * each of `columns`, ordered by section then key: overall, by template, by request kind, by bucket.
 */
function sectionsSql(source: string, columns: string, bucket: string): string {
  return `SELECT ${OVERALL} AS section, NULL AS key, ${columns} FROM ${source}
    UNION ALL SELECT ${BY_TEMPLATE}, template_id, ${columns} FROM ${source}
      WHERE template_id IS NOT NULL GROUP BY template_id
    UNION ALL SELECT ${BY_REQUEST_KIND}, input_kind, ${columns} FROM ${source}
      WHERE input_kind IS NOT NULL GROUP BY input_kind
    UNION ALL SELECT ${OVER_TIME}, ${bucket}, ${columns} FROM ${source} GROUP BY 2
    ORDER BY section, key`;
}

/**
 * The sessions in scope counted once, in the order of the `sessions_by_group` index (no sort, no table
 * row read): one row per template, request kind, day and state.
 */
const GROUPS = (where: string) => `WITH g AS MATERIALIZED (
  SELECT s.template_id AS template_id, s.input_kind AS input_kind, s.created_day AS day, s.state AS state,
    count(*) AS n
  FROM sessions s WHERE ${where} GROUP BY s.template_id, s.input_kind, s.created_day, s.state)`;
const COUNT_COLUMNS = `coalesce(sum(n), 0) AS total,
  coalesce(sum(n * (state = 'succeeded')), 0) AS succeeded,
  coalesce(sum(n * (state = 'failed')), 0) AS failed,
  coalesce(sum(n * (state = 'cancelled')), 0) AS cancelled`;

/**
 * The sessions in scope that have outcomes, driven from `session_outcomes` (usually far fewer rows than
 * `sessions`; each finds its session by primary key).
 */
const OUTCOMES = (where: string) => `WITH o AS MATERIALIZED (
  SELECT s.template_id AS template_id, s.input_kind AS input_kind, s.created_day AS day,
    oc.pr_kind AS pr_kind, oc.n_ratings AS n_ratings, oc.rating_sum AS rating_sum
  FROM session_outcomes oc CROSS JOIN sessions s ON s.pk = oc.session_pk WHERE ${where})`;

/** The success-stats sections of an analytics report. */
export interface SuccessStatsSections {
  overall: SuccessStats;
  byTemplate: Array<{ templateId: string } & SuccessStats>;
  byRequestKind: Array<{ kind: RequestKind } & SuccessStats>;
  overTime: Array<{ bucket: string } & SuccessStats>;
}

/**
 * Overall, by template, by request kind and over time, as core's `computeAnalytics` counts them, in two
 * statements: the state counts from one grouped scan of the `sessions_by_group` index, and the outcome
 * figures from `session_outcomes` (a section's key without outcome rows has none to add).
 */
export function sqlSuccessStats(
  db: SqlConnection,
  where: SqlWhere,
  bucket: NonNullable<AnalyticsQuery['bucket']>,
): SuccessStatsSections {
  const bucketSql = BUCKET_SQL[bucket] ?? BUCKET_SQL.day;
  const keyOf = (row: SqlRow) => `${String(row.section)}\u0000${String(row.key)}`;
  const outcomes = new Map<string, SqlRow>();
  const outcomeRows = db
    .prepare(`${OUTCOMES(where.sql)} ${sectionsSql('o oc', OUTCOME_COLUMNS, bucketSql)}`)
    .all(...where.params);
  for (const row of outcomeRows) outcomes.set(keyOf(row), row);

  const sections: SuccessStatsSections = {
    overall: successStatsOfRow(undefined),
    byTemplate: [],
    byRequestKind: [],
    overTime: [],
  };
  const rows = db.prepare(`${GROUPS(where.sql)} ${sectionsSql('g', COUNT_COLUMNS, bucketSql)}`).all(...where.params);
  for (const row of rows) {
    const stats = successStatsOfRow({ ...row, ...outcomes.get(keyOf(row)) });
    const key = String(row.key);
    switch (Number(row.section)) {
      case OVERALL:
        sections.overall = stats;
        break;
      case BY_TEMPLATE:
        sections.byTemplate.push({ templateId: key, ...stats });
        break;
      case BY_REQUEST_KIND:
        sections.byRequestKind.push({ kind: key as RequestKind, ...stats });
        break;
      default:
        sections.overTime.push({ bucket: key, ...stats });
    }
  }
  return sections;
}
