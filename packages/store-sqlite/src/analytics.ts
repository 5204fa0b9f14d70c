import type { AnalyticsQuery, AnalyticsReport, Phase, ResourcePhase } from '@sessionhub/core';
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
import { sqlSuccessStats } from './success-stats-sql.js';

const STATS_COLUMNS = `count(*) AS total,
  coalesce(sum(s.state = 'succeeded'), 0) AS succeeded,
  coalesce(sum(s.state = 'failed'), 0) AS failed,
  coalesce(sum(s.state = 'cancelled'), 0) AS cancelled,
  ${OUTCOME_COLUMNS}`;
/** The sessions of a by-model stats query with their outcome counts. */
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
 *   count DESC then key, `LIMIT`); token sums are exact integers; the overall, by-template, by-request-kind
 *   and over-time sections come from one grouped scan of the sessions ({@link sqlSuccessStats});
 * - percentiles: the per-phase count comes from SQL, the nearest rank is computed with core's
 *   `percentile` formula (`max(1, ceil(p / 100 * n))`), and the value is read with `ORDER BY duration_ms LIMIT 1 OFFSET rank - 1`;
 * - `costUsd` is a float sum: SQLite's `sum` compensates rounding, so it may differ from a plain
 *   JavaScript sum in the last bits (the conformance suite compares to 1e-9).
 */
export function sqlAnalytics(db: SqlConnection, query: AnalyticsQuery = {}): AnalyticsReport {
  const where = sessionWhere({ since: query.since, until: query.until, templateId: query.templateId });
  // The join keeping a side table's rows (alias `t`) to the sessions in scope. Without a filter every row is
  // in scope (side-table rows are written with their session's events, and sessions are never deleted).
  const inScope = (t: string) =>
    where.sql === '1' ? '' : `JOIN sessions s ON s.pk = ${t}.session_pk AND ${where.sql}`;
  const all = (sql: string, extra: SqlValue[] = []) => db.prepare(sql).all(...where.params, ...extra);
  const limit = sqlLimit(query.top ?? DEFAULT_ANALYTICS_TOP);

  const { overall, byTemplate, byRequestKind, overTime } = sqlSuccessStats(db, where, query.bucket ?? 'day');
  const byModel = all(
    `SELECT m.model AS key, ${STATS_COLUMNS}
     FROM ${STATS_FROM} JOIN (SELECT DISTINCT session_pk, model FROM usage_records WHERE model IS NOT NULL) m
       ON m.session_pk = s.pk
     WHERE ${where.sql} GROUP BY m.model ORDER BY m.model`,
  ).map((row) => ({ model: String(row.key), ...successStatsOfRow(row) }));

  const topFailingGates = all(
    `SELECT g.gate AS gate, count(*) AS n FROM gate_failures g ${inScope('g')}
     GROUP BY g.gate ORDER BY n DESC, g.gate LIMIT ?`,
    [limit],
  ).map((row) => ({ gate: String(row.gate), failures: Number(row.n) }));
  const topErrorSignatures = all(
    `SELECT e.signature AS signature, count(*) AS n FROM error_signatures e ${inScope('e')}
     GROUP BY e.signature ORDER BY n DESC, e.signature LIMIT ?`,
    [limit],
  ).map((row) => ({ signature: String(row.signature), count: Number(row.n) }));

  const phaseDurations = all(
    `SELECT d.phase AS phase, count(*) AS n FROM step_durations d ${inScope('d')} GROUP BY d.phase ORDER BY d.phase`,
  ).map((row) => {
    const phase = String(row.phase) as Phase;
    const count = Number(row.n);
    const valueAt = (p: number): number => {
      const rank = nearestRank(p, count);
      const hit = all(
        `SELECT d.duration_ms AS v FROM step_durations d ${inScope('d')}
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
  const totalRow = all(`SELECT ${usageColumns} FROM usage_records u ${inScope('u')}`)[0];
  const total = totalRow?.input_tokens == null ? emptyUsage() : usageOfRow(totalRow);
  const byPhase = all(
    `SELECT u.phase AS phase, ${usageColumns} FROM usage_records u ${inScope('u')} GROUP BY u.phase ORDER BY u.phase`,
  ).map((row) => ({ phase: String(row.phase) as Phase, usage: usageOfRow(row) }));
  const n = overall.total;
  const perSession = divideUsage(total, n);

  const resourceColumns = `sum(r.commands) AS commands, sum(r.cpu_ms) AS cpu_ms,
       max(r.peak_memory_bytes) AS peak_memory_bytes, sum(r.bytes_written) AS bytes_written`;
  const resourcesTotal = hostResourcesOfRow(
    all(`SELECT ${resourceColumns} FROM resource_records r ${inScope('r')}`)[0],
  );
  const peaks = all(
    `SELECT sum(p) AS v FROM (SELECT max(r.peak_memory_bytes) AS p FROM resource_records r ${inScope('r')}
       GROUP BY r.session_pk)`,
  )[0];
  const resourcesByPhase = all(
    `SELECT r.phase AS phase, ${resourceColumns}
     FROM resource_records r ${inScope('r')} GROUP BY r.phase ORDER BY r.phase`,
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
