import type { AnalyticsQuery, AnalyticsReport, Phase, RequestKind, ResourcePhase } from '@sessionhub/core';
import {
  DEFAULT_ANALYTICS_TOP,
  divideUsage,
  emptyUsage,
  hostResourcesOfRow,
  nearestRank,
  perSessionHostResources,
  successStatsOfRow,
  usageOfRow,
} from '@sessionhub/core';
import type { SqlConnection, SqlValue } from './driver.js';
import { OUTCOME_COLUMNS } from './outcome-stats-sql.js';
import { sessionWhere } from './session-query.js';

const MS_PER_DAY = 86_400_000;
// Whole UTC days as unix seconds, floored also for instants before 1970 (SQL `/` truncates).
const DAY_SECONDS = `((s.created_ms - ((s.created_ms % ${MS_PER_DAY}) + ${MS_PER_DAY}) % ${MS_PER_DAY}) / 1000)`;
const BUCKET_SQL: Record<NonNullable<AnalyticsQuery['bucket']>, string> = {
  day: `coalesce(date(${DAY_SECONDS}, 'unixepoch'), 'invalid')`,
  // The Monday of the ISO week: step back 6 days, then forward to the next Monday (same day if Monday).
  week: `coalesce(date(${DAY_SECONDS}, 'unixepoch', '-6 days', 'weekday 1'), 'invalid')`,
  month: `coalesce(date(${DAY_SECONDS}, 'unixepoch', 'start of month'), 'invalid')`,
};

const STATS_COLUMNS = `count(*) AS total,
  coalesce(sum(s.state = 'succeeded'), 0) AS succeeded,
  coalesce(sum(s.state = 'failed'), 0) AS failed,
  coalesce(sum(s.state = 'cancelled'), 0) AS cancelled,
  ${OUTCOME_COLUMNS}`;
/** The sessions of a stats query with their outcome counts. */
const STATS_FROM = 'sessions s LEFT JOIN session_outcomes oc ON oc.session_pk = s.pk';

/** A SQL LIMIT equal to `Array.prototype.slice(0, Math.max(0, top))`. */
function sqlLimit(top: number): number {
  if (Number.isNaN(top)) return 0;
  if (top === Number.POSITIVE_INFINITY) return -1;
  return Math.max(0, Math.trunc(top));
}

/**
 * The analytics report in SQL over the side tables filled at append time. It equals core's
 * `computeAnalytics` exactly:
 * - counts, groups, buckets, top-N lists and usage sums are SQL aggregates (`GROUP BY`, `ORDER BY`
 *   count DESC then key, `LIMIT`); token sums are exact integers;
 * - percentiles: the per-phase count comes from SQL, the nearest rank is computed with core's
 *   `percentile` formula (`max(1, ceil(p / 100 * n))`), and the value is read with `ORDER BY duration_ms LIMIT 1 OFFSET rank - 1`;
 * - `costUsd` is a float sum: SQLite's `sum` compensates rounding, so it may differ from a plain
 *   JavaScript sum in the last bits (the conformance suite compares to 1e-9).
 */
export function sqlAnalytics(db: SqlConnection, query: AnalyticsQuery = {}): AnalyticsReport {
  const where = sessionWhere({ since: query.since, until: query.until, templateId: query.templateId });
  const scope = `WITH scope AS (SELECT s.pk FROM sessions s WHERE ${where.sql})`;
  const all = (sql: string, extra: SqlValue[] = []) => db.prepare(sql).all(...where.params, ...extra);
  const limit = sqlLimit(query.top ?? DEFAULT_ANALYTICS_TOP);

  const overall = successStatsOfRow(all(`SELECT ${STATS_COLUMNS} FROM ${STATS_FROM} WHERE ${where.sql}`)[0]);
  const byTemplate = all(
    `SELECT s.template_id AS key, ${STATS_COLUMNS} FROM ${STATS_FROM}
     WHERE ${where.sql} AND s.template_id IS NOT NULL GROUP BY s.template_id ORDER BY s.template_id`,
  ).map((row) => ({ templateId: String(row.key), ...successStatsOfRow(row) }));
  const byRequestKind = all(
    `SELECT s.input_kind AS key, ${STATS_COLUMNS} FROM ${STATS_FROM}
     WHERE ${where.sql} AND s.input_kind IS NOT NULL GROUP BY s.input_kind ORDER BY s.input_kind`,
  ).map((row) => ({ kind: String(row.key) as RequestKind, ...successStatsOfRow(row) }));
  const byModel = all(
    `SELECT m.model AS key, ${STATS_COLUMNS}
     FROM ${STATS_FROM} JOIN (SELECT DISTINCT session_pk, model FROM usage_records WHERE model IS NOT NULL) m
       ON m.session_pk = s.pk
     WHERE ${where.sql} GROUP BY m.model ORDER BY m.model`,
  ).map((row) => ({ model: String(row.key), ...successStatsOfRow(row) }));
  const bucket = BUCKET_SQL[query.bucket ?? 'day'] ?? BUCKET_SQL.day;
  const overTime = all(
    `SELECT ${bucket} AS key, ${STATS_COLUMNS} FROM ${STATS_FROM} WHERE ${where.sql} GROUP BY key ORDER BY key`,
  ).map((row) => ({ bucket: String(row.key), ...successStatsOfRow(row) }));

  const topFailingGates = all(
    `${scope} SELECT g.gate AS gate, count(*) AS n FROM gate_failures g JOIN scope ON scope.pk = g.session_pk
     GROUP BY g.gate ORDER BY n DESC, g.gate LIMIT ?`,
    [limit],
  ).map((row) => ({ gate: String(row.gate), failures: Number(row.n) }));
  const topErrorSignatures = all(
    `${scope} SELECT e.signature AS signature, count(*) AS n FROM error_signatures e
     JOIN scope ON scope.pk = e.session_pk GROUP BY e.signature ORDER BY n DESC, e.signature LIMIT ?`,
    [limit],
  ).map((row) => ({ signature: String(row.signature), count: Number(row.n) }));

  const phaseDurations = all(
    `${scope} SELECT d.phase AS phase, count(*) AS n FROM step_durations d JOIN scope ON scope.pk = d.session_pk
     GROUP BY d.phase ORDER BY d.phase`,
  ).map((row) => {
    const phase = String(row.phase) as Phase;
    const count = Number(row.n);
    const valueAt = (p: number): number => {
      const rank = nearestRank(p, count);
      const hit = all(
        `${scope} SELECT d.duration_ms AS v FROM step_durations d JOIN scope ON scope.pk = d.session_pk
         WHERE d.phase = ? ORDER BY d.duration_ms LIMIT 1 OFFSET ?`,
        [phase, rank - 1],
      )[0];
      return Number(hit?.v ?? 0);
    };
    return { phase, count, p50Ms: valueAt(50), p95Ms: valueAt(95) };
  });

  const usageColumns = `sum(u.input_tokens) AS input_tokens, sum(u.output_tokens) AS output_tokens,
       sum(u.cache_read_tokens) AS cache_read_tokens, sum(u.cache_write_tokens) AS cache_write_tokens,
       sum(u.cost_usd) AS cost_usd, max(u.cost_unknown) AS cost_unknown`;
  const totalRow = all(`${scope} SELECT ${usageColumns} FROM usage_records u JOIN scope ON scope.pk = u.session_pk`)[0];
  const total = totalRow?.input_tokens == null ? emptyUsage() : usageOfRow(totalRow);
  const byPhase = all(
    `${scope} SELECT u.phase AS phase, ${usageColumns}
     FROM usage_records u JOIN scope ON scope.pk = u.session_pk GROUP BY u.phase ORDER BY u.phase`,
  ).map((row) => ({ phase: String(row.phase) as Phase, usage: usageOfRow(row) }));
  const n = overall.total;
  const perSession = divideUsage(total, n);

  const resourceColumns = `sum(r.commands) AS commands, sum(r.cpu_ms) AS cpu_ms,
       max(r.peak_memory_bytes) AS peak_memory_bytes, sum(r.bytes_written) AS bytes_written`;
  const resourcesTotal = hostResourcesOfRow(
    all(`${scope} SELECT ${resourceColumns} FROM resource_records r JOIN scope ON scope.pk = r.session_pk`)[0],
  );
  const peaks = all(
    `${scope} SELECT sum(p) AS v FROM (SELECT max(r.peak_memory_bytes) AS p FROM resource_records r
       JOIN scope ON scope.pk = r.session_pk GROUP BY r.session_pk)`,
  )[0];
  const resourcesByPhase = all(
    `${scope} SELECT r.phase AS phase, ${resourceColumns}
     FROM resource_records r JOIN scope ON scope.pk = r.session_pk GROUP BY r.phase ORDER BY r.phase`,
  ).map((row) => ({ phase: String(row.phase) as ResourcePhase, resources: hostResourcesOfRow(row) }));
  return {
    overall,
    byTemplate,
    byRequestKind,
    byModel,
    overTime,
    topFailingGates,
    topErrorSignatures,
    phaseDurations,
    usage: { total, perSession, byPhase },
    hostResources: {
      total: resourcesTotal,
      perSession: perSessionHostResources(resourcesTotal, Number(peaks?.v ?? 0), n),
      byPhase: resourcesByPhase,
    },
  };
}
