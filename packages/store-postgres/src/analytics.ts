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
import type { PoolClient } from 'pg';
import { OUTCOME_COLUMNS } from './outcome-stats-sql.js';
import { sessionWhere } from './session-query.js';
import { SqlParams, unkeyText } from './sql-params.js';

type Row = Record<string, unknown>;

const BUCKET_UNIT: Record<NonNullable<AnalyticsQuery['bucket']>, string> = { day: 'day', week: 'week', month: 'month' };

const STATS_COLUMNS = `count(*) AS total,
  count(*) FILTER (WHERE s.state = 'succeeded') AS succeeded,
  count(*) FILTER (WHERE s.state = 'failed') AS failed,
  count(*) FILTER (WHERE s.state = 'cancelled') AS cancelled,
  ${OUTCOME_COLUMNS}`;
/** The sessions of a stats query with their outcome counts. */
const STATS_FROM = 'sessions s LEFT JOIN session_outcomes oc ON oc.session_pk = s.pk';

const RESOURCE_COLUMNS = `sum(r.commands) AS commands, sum(r.cpu_ms) AS cpu_ms,
  max(r.peak_memory_bytes) AS peak_memory_bytes, sum(r.bytes_written) AS bytes_written`;

const USAGE_COLUMNS = `sum(u.input_tokens) AS input_tokens, sum(u.output_tokens) AS output_tokens,
  sum(u.cache_read_tokens) AS cache_read_tokens, sum(u.cache_write_tokens) AS cache_write_tokens,
  sum(u.cost_usd) AS cost_usd, bool_or(u.cost_unknown) AS cost_unknown`;

/** A SQL LIMIT equal to `Array.prototype.slice(0, Math.max(0, top))` (`null` = no limit). */
function sqlLimit(top: number): number | null {
  if (Number.isNaN(top)) return 0;
  if (top === Number.POSITIVE_INFINITY) return null;
  return Math.max(0, Math.trunc(top));
}

/**
 * The analytics report in SQL over the side tables filled at append time, equal to core's
 * `computeAnalytics`: counts, groups, UTC buckets (`date_trunc` of day, ISO week, month), top-N
 * lists (count DESC then key) and usage sums are aggregates; a percentile takes the per-phase
 * count, core's nearest-rank formula (`max(1, ceil(p / 100 * n))`), and reads that row with
 * `ORDER BY duration_ms OFFSET rank - 1`. `costUsd` is a float sum (compared to 1e-9).
 * Runs in one REPEATABLE READ transaction, so every part sees the same data.
 */
export async function sqlAnalytics(client: PoolClient, query: AnalyticsQuery = {}): Promise<AnalyticsReport> {
  const scoped = (build: (where: string, p: SqlParams) => string, extra: (p: SqlParams) => void = () => {}) => {
    const p = new SqlParams();
    const where = sessionWhere({ since: query.since, until: query.until, templateId: query.templateId }, p);
    const sql = build(where, p);
    extra(p);
    return client.query<Row>(sql, p.values).then((r) => r.rows);
  };
  const scope = (where: string) => `WITH scope AS (SELECT s.pk FROM sessions s WHERE ${where})`;
  const top = sqlLimit(query.top ?? DEFAULT_ANALYTICS_TOP);
  const unit = BUCKET_UNIT[query.bucket ?? 'day'] ?? 'day';

  const overall = successStatsOfRow((await scoped((w) => `SELECT ${STATS_COLUMNS} FROM ${STATS_FROM} WHERE ${w}`))[0]);
  const byTemplate = (
    await scoped(
      (w) => `SELECT s.template_id AS key, ${STATS_COLUMNS} FROM ${STATS_FROM}
       WHERE ${w} AND s.template_id IS NOT NULL GROUP BY s.template_id ORDER BY s.template_id`,
    )
  ).map((row) => ({ templateId: unkeyText(String(row.key)), ...successStatsOfRow(row) }));
  const kindOf = `((s.data::json -> 'input' ->> 'kind') COLLATE "C")`;
  const byRequestKind = (
    await scoped(
      (w) => `SELECT ${kindOf} AS key, ${STATS_COLUMNS} FROM ${STATS_FROM}
       WHERE ${w} AND ${kindOf} IS NOT NULL GROUP BY 1 ORDER BY 1`,
    )
  ).map((row) => ({ kind: String(row.key) as RequestKind, ...successStatsOfRow(row) }));
  const byModel = (
    await scoped(
      (w) => `SELECT m.model AS key, ${STATS_COLUMNS}
       FROM ${STATS_FROM} JOIN (SELECT DISTINCT session_pk, model FROM usage_records WHERE model IS NOT NULL) m
         ON m.session_pk = s.pk
       WHERE ${w} GROUP BY m.model ORDER BY m.model`,
    )
  ).map((row) => ({ model: unkeyText(String(row.key)), ...successStatsOfRow(row) }));
  const overTime = (
    await scoped(
      (w) => `SELECT coalesce(to_char(date_trunc('${unit}', to_timestamp(s.created_ms / 1000.0) AT TIME ZONE 'UTC'),
         'YYYY-MM-DD'), 'invalid') COLLATE "C" AS key, ${STATS_COLUMNS}
       FROM ${STATS_FROM} WHERE ${w} GROUP BY 1 ORDER BY 1`,
    )
  ).map((row) => ({ bucket: String(row.key), ...successStatsOfRow(row) }));

  const topFailingGates = (
    await scoped(
      (w, p) => `${scope(w)} SELECT g.gate, count(*) AS n FROM gate_failures g JOIN scope ON scope.pk = g.session_pk
       GROUP BY g.gate ORDER BY n DESC, g.gate LIMIT ${p.add(top)}::bigint`,
    )
  ).map((row) => ({ gate: unkeyText(String(row.gate)), failures: Number(row.n) }));
  const topErrorSignatures = (
    await scoped(
      (w, p) => `${scope(w)} SELECT e.signature, count(*) AS n FROM error_signatures e
       JOIN scope ON scope.pk = e.session_pk GROUP BY e.signature ORDER BY n DESC, e.signature LIMIT ${p.add(top)}::bigint`,
    )
  ).map((row) => ({ signature: unkeyText(String(row.signature)), count: Number(row.n) }));

  const phases = await scoped(
    (w) => `${scope(w)} SELECT d.phase, count(*) AS n FROM step_durations d JOIN scope ON scope.pk = d.session_pk
     GROUP BY d.phase ORDER BY d.phase`,
  );
  const phaseDurations = [];
  for (const row of phases) {
    const phase = String(row.phase) as Phase;
    const count = Number(row.n);
    const valueAt = async (pct: number): Promise<number> => {
      const rank = nearestRank(pct, count);
      const [hit] = await scoped(
        (w, p) => `${scope(w)} SELECT d.duration_ms AS v FROM step_durations d JOIN scope ON scope.pk = d.session_pk
         WHERE d.phase = ${p.add(phase)} ORDER BY d.duration_ms LIMIT 1 OFFSET ${p.add(rank - 1)}::bigint`,
      );
      return Number(hit?.v ?? 0);
    };
    phaseDurations.push({ phase, count, p50Ms: await valueAt(50), p95Ms: await valueAt(95) });
  }

  const [totalRow] = await scoped(
    (w) => `${scope(w)} SELECT ${USAGE_COLUMNS} FROM usage_records u JOIN scope ON scope.pk = u.session_pk`,
  );
  const total = totalRow?.input_tokens == null ? emptyUsage() : usageOfRow(totalRow);
  const byPhase = (
    await scoped(
      (w) => `${scope(w)} SELECT u.phase, ${USAGE_COLUMNS}
       FROM usage_records u JOIN scope ON scope.pk = u.session_pk GROUP BY u.phase ORDER BY u.phase`,
    )
  ).map((row) => ({ phase: unkeyText(String(row.phase)) as Phase, usage: usageOfRow(row) }));
  const n = overall.total;
  const perSession = divideUsage(total, n);

  const [resourceRow] = await scoped(
    (w) => `${scope(w)} SELECT ${RESOURCE_COLUMNS} FROM resource_records r JOIN scope ON scope.pk = r.session_pk`,
  );
  const resourcesTotal = hostResourcesOfRow(resourceRow);
  const [peaks] = await scoped(
    (w) => `${scope(w)} SELECT sum(x.p) AS v FROM (SELECT max(r.peak_memory_bytes) AS p FROM resource_records r
       JOIN scope ON scope.pk = r.session_pk GROUP BY r.session_pk) x`,
  );
  const resourcesByPhase = (
    await scoped(
      (w) => `${scope(w)} SELECT r.phase, ${RESOURCE_COLUMNS}
       FROM resource_records r JOIN scope ON scope.pk = r.session_pk GROUP BY r.phase ORDER BY r.phase`,
    )
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
