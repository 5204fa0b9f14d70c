import { type SessionEvent, StoreError } from '@sessionhub/core';
import type { PoolClient } from 'pg';
import { describeLocation, type PgLocation } from './errors.js';
import { recordOutcomeFacts, usageModel } from './facts.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './schema.js';

/** A SQL identifier, quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The schema version in the store's namespace: 0 when it has no tables yet. */
async function schemaVersion(client: PoolClient, where: PgLocation): Promise<number> {
  const table = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [
    `${quoteIdent(where.schema)}.schema_version`,
  ]);
  if (!table.rows[0]?.t) return 0;
  const row = await client.query<{ v: number | null }>(
    `SELECT max(version) AS v FROM ${quoteIdent(where.schema)}.schema_version`,
  );
  const version = Number(row.rows[0]?.v);
  if (!Number.isInteger(version) || version < 1) {
    throw new StoreError(
      'store.corrupt',
      `${describeLocation(where)} has an unreadable schema version (${String(row.rows[0]?.v)})`,
    );
  }
  return version;
}

/** `store.schema_too_new` when `version` is newer than this package knows. */
export function assertNotTooNew(version: number, where: PgLocation): void {
  if (version > LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      'store.schema_too_new',
      `${describeLocation(where)} has schema version ${version}, newer than ${LATEST_SCHEMA_VERSION} which this @sessionhub/store-postgres supports: upgrade the package`,
    );
  }
}

/**
 * Brings the store's namespace to {@link LATEST_SCHEMA_VERSION}. The version is read again under
 * a transaction-scoped advisory lock, so processes opening the same old schema at once migrate
 * it exactly once; DDL is transactional in PostgreSQL, so a failed migration leaves nothing.
 */
export async function migrate(client: PoolClient, where: PgLocation): Promise<void> {
  const seen = await schemaVersion(client, where);
  assertNotTooNew(seen, where);
  if (seen === LATEST_SCHEMA_VERSION) return;
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('sessionhub.migrate:' || $1))", [where.schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(where.schema)}`);
    const version = await schemaVersion(client, where);
    assertNotTooNew(version, where);
    await client.query(`SET LOCAL search_path TO ${quoteIdent(where.schema)}`);
    const applied = MIGRATIONS.filter((m) => m.version > version);
    for (const m of applied) await client.query(m.sql);
    if (applied.some((m) => m.backfillOutcomes)) await backfillOutcomes(client);
    await client.query('DELETE FROM schema_version');
    await client.query('INSERT INTO schema_version (version) VALUES ($1)', [LATEST_SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/**
 * Derives the version-2 rows from the events stored before it, session by session in log order: the
 * outcome and host-resource rows, and the model and `costUnknown` of each usage record.
 */
async function backfillOutcomes(client: PoolClient): Promise<void> {
  const rows = await client.query<{ session_pk: string; data: string }>(
    `SELECT session_pk, data FROM events
     WHERE type IN ('outcome.recorded', 'step.finished', 'verifier.gate', 'usage.recorded')
     ORDER BY session_pk, seq`,
  );
  const bySession = new Map<string, SessionEvent[]>();
  for (const row of rows.rows) {
    const pk = String(row.session_pk);
    const events = bySession.get(pk) ?? [];
    events.push(JSON.parse(row.data) as SessionEvent);
    bySession.set(pk, events);
  }
  for (const [pk, events] of bySession) {
    await recordOutcomeFacts(client, pk, events);
    const usages = events.flatMap((e) =>
      e.type === 'usage.recorded' ? [[e.seq, usageModel(e), Boolean(e.usage?.costUnknown)] as const] : [],
    );
    if (usages.length === 0) continue;
    await client.query(
      `UPDATE usage_records u SET model = x.model, cost_unknown = x.cost_unknown
       FROM unnest($2::int[], $3::text[], $4::bool[]) AS x (seq, model, cost_unknown)
       WHERE u.session_pk = $1 AND u.seq = x.seq`,
      [pk, usages.map(([seq]) => seq), usages.map(([, model]) => model), usages.map(([, , unknown]) => unknown)],
    );
  }
}
