import { errorSignature, hostResourcesOfEvent, outcomeFact, PHASE_OF_STEP, type SessionEvent } from '@sessionhub/core';
import type { PoolClient } from 'pg';
import { keyText } from './sql-params.js';

/**
 * Derives the analytics side-table rows of one appended batch and writes them in the append's
 * transaction, a few multi-row statements per batch. The rules mirror core's `computeAnalytics`
 * (and the SQLite store's `recordFacts`) exactly:
 * - `step.started` opens (or re-opens) its `stepId`; `step.finished` closes the open one and
 *   records `max(0, finished.at - started.at)` under the finished step's phase;
 * - a failed `verifier.gate` records one gate failure and the `errorSignature` of each failure message;
 * - a `session.finished` with an error records the signature of its message;
 * - `usage.recorded` records the usage under its phase, with its `model` (or NULL) and `costUnknown`;
 * - plus the outcome and host-resource rows of {@link recordOutcomeFacts}.
 */
export async function recordFacts(
  client: PoolClient,
  sessionPk: string,
  events: readonly SessionEvent[],
): Promise<void> {
  await recordOutcomeFacts(client, sessionPk, events);
  const finishedIds = events.flatMap((e) => (e.type === 'step.finished' ? [keyText(String(e.stepId))] : []));
  const startedIds = events.flatMap((e) => (e.type === 'step.started' ? [keyText(String(e.stepId))] : []));
  if (finishedIds.length === 0 && startedIds.length === 0 && !events.some(hasFacts)) return;
  // stepId -> start time while open, null once closed in this batch.
  const open = new Map<string, number | null>();
  if (finishedIds.length > 0) {
    const rows = await client.query<{ step_id: string; started_ms: string }>(
      'SELECT step_id, started_ms FROM step_open WHERE session_pk = $1 AND step_id = ANY($2::text[])',
      [sessionPk, finishedIds],
    );
    for (const row of rows.rows) open.set(row.step_id, Number(row.started_ms));
  }
  const touched = new Set<string>();
  const durations: [number, string, number][] = [];
  const gates: [number, string][] = [];
  const signatures: [number, number, string][] = [];
  const usage: SessionEvent[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'step.started':
        open.set(keyText(String(event.stepId)), Date.parse(event.at));
        touched.add(keyText(String(event.stepId)));
        break;
      case 'step.finished': {
        const id = keyText(String(event.stepId));
        const started = open.get(id);
        if (started === undefined || started === null) break;
        open.set(id, null);
        touched.add(id);
        const durationMs = Math.max(0, Date.parse(event.at) - started);
        const phase = PHASE_OF_STEP[event.step];
        if (!Number.isNaN(durationMs) && phase !== undefined) durations.push([event.seq, phase, durationMs]);
        break;
      }
      case 'verifier.gate':
        if (event.result?.passed !== false) break;
        gates.push([event.seq, keyText(String(event.result.name))]);
        (event.result.failures ?? []).forEach((failure, n) => {
          signatures.push([event.seq, n, keyText(errorSignature(String(failure.message)))]);
        });
        break;
      case 'session.finished':
        if (event.error) signatures.push([event.seq, 0, keyText(errorSignature(String(event.error.message)))]);
        break;
      case 'usage.recorded':
        usage.push(event);
        break;
      default:
        break;
    }
  }
  if (touched.size > 0) {
    const ids = [...touched];
    await client.query('DELETE FROM step_open WHERE session_pk = $1 AND step_id = ANY($2::text[])', [sessionPk, ids]);
    const stillOpen = ids.filter((id) => typeof open.get(id) === 'number');
    if (stillOpen.length > 0) {
      await client.query(
        'INSERT INTO step_open (session_pk, step_id, started_ms) SELECT $1, * FROM unnest($2::text[], $3::bigint[])',
        [sessionPk, stillOpen, stillOpen.map((id) => open.get(id))],
      );
    }
  }
  if (durations.length > 0) {
    await client.query(
      `INSERT INTO step_durations (session_pk, seq, phase, duration_ms)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::float8[])`,
      [sessionPk, ...columns(durations, 3)],
    );
  }
  if (gates.length > 0) {
    await client.query(
      'INSERT INTO gate_failures (session_pk, seq, gate) SELECT $1, * FROM unnest($2::int[], $3::text[])',
      [sessionPk, ...columns(gates, 2)],
    );
  }
  if (signatures.length > 0) {
    await client.query(
      'INSERT INTO error_signatures (session_pk, seq, n, signature) SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[])',
      [sessionPk, ...columns(signatures, 3)],
    );
  }
  if (usage.length > 0) {
    const rows = usage.map((e) => {
      if (e.type !== 'usage.recorded') throw new Error('unreachable');
      const u = e.usage;
      return [
        e.seq,
        keyText(String(e.phase)),
        u.inputTokens,
        u.outputTokens,
        u.cacheReadTokens,
        u.cacheWriteTokens,
        u.costUsd,
        usageModel(e),
        Boolean(u.costUnknown),
      ];
    });
    await client.query(
      `INSERT INTO usage_records (session_pk, seq, phase, input_tokens, output_tokens, cache_read_tokens,
         cache_write_tokens, cost_usd, model, cost_unknown)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[],
         $8::float8[], $9::text[], $10::bool[])`,
      [sessionPk, ...columns(rows, 9)],
    );
  }
}

/** The model a `usage.recorded` event names, as a key (NULL when none). */
export function usageModel(event: SessionEvent): string | null {
  if (event.type !== 'usage.recorded') return null;
  const model = event.usage?.model;
  return typeof model === 'string' && model !== '' ? keyText(model) : null;
}

/**
 * The rows of schema version 2, from one batch of stored events in log order (also the backfill of that
 * migration):
 * - an `outcome.recorded` (core's `outcomeFact`) of a pull-request kind becomes the session's `pr_kind`; a
 *   rating replaces its rater's earlier one (`latest_ratings`), and the session's `n_ratings` and `rating_sum`
 *   change by what that adds (a new rater: one more rating) — so they always count each rater's latest;
 * - core's `hostResourcesOfEvent` (a finished execute step's report, a gate result) records the resources
 *   under their phase.
 */
export async function recordOutcomeFacts(
  client: PoolClient,
  sessionPk: string,
  events: readonly SessionEvent[],
): Promise<void> {
  const resources: [number, string, number, number, number, number][] = [];
  for (const event of events) {
    const fact = outcomeFact(event);
    // Outcomes are rare: one statement or two each, in order, so a rating sees the rater's latest before it.
    if (fact) await recordOutcome(client, sessionPk, fact);
    const measured = hostResourcesOfEvent(event);
    if (measured) {
      const r = measured.resources;
      resources.push([event.seq, measured.phase, r.commands, r.cpuMs, r.peakMemoryBytes, r.bytesWritten]);
    }
  }
  if (resources.length > 0) {
    await client.query(
      `INSERT INTO resource_records (session_pk, seq, phase, commands, cpu_ms, peak_memory_bytes, bytes_written)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])`,
      [sessionPk, ...columns(resources, 6)],
    );
  }
}

async function recordOutcome(
  client: PoolClient,
  sessionPk: string,
  fact: NonNullable<ReturnType<typeof outcomeFact>>,
): Promise<void> {
  if (fact.value === null) {
    await client.query(
      `INSERT INTO session_outcomes (session_pk, pr_kind) VALUES ($1, $2)
       ON CONFLICT (session_pk) DO UPDATE SET pr_kind = EXCLUDED.pr_kind`,
      [sessionPk, fact.kind],
    );
    return;
  }
  const rater = keyText(fact.rater);
  // The rater's earlier rating (if any) and the new one in one statement: the old value comes back.
  const previous = await client.query<{ value: number | null }>(
    `WITH old AS (SELECT value FROM latest_ratings WHERE session_pk = $1 AND rater = $2),
     put AS (INSERT INTO latest_ratings (session_pk, rater, value) VALUES ($1, $2, $3)
       ON CONFLICT (session_pk, rater) DO UPDATE SET value = EXCLUDED.value)
     SELECT (SELECT value FROM old) AS value`,
    [sessionPk, rater, fact.value],
  );
  const old = previous.rows[0]?.value;
  await client.query(
    `INSERT INTO session_outcomes (session_pk, n_ratings, rating_sum) VALUES ($1, $2, $3)
     ON CONFLICT (session_pk) DO UPDATE SET n_ratings = session_outcomes.n_ratings + EXCLUDED.n_ratings,
       rating_sum = session_outcomes.rating_sum + EXCLUDED.rating_sum`,
    old === null || old === undefined ? [sessionPk, 1, fact.value] : [sessionPk, 0, fact.value - Number(old)],
  );
}

function hasFacts(event: SessionEvent): boolean {
  return (
    (event.type === 'verifier.gate' && event.result?.passed === false) ||
    (event.type === 'session.finished' && Boolean(event.error)) ||
    event.type === 'usage.recorded'
  );
}

/** Row tuples as one array per column (for `unnest`). */
function columns(rows: readonly unknown[][], width: number): unknown[][] {
  return Array.from({ length: width }, (_, c) => rows.map((r) => r[c]));
}
