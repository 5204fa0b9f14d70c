import { type SessionEvent, StoreError } from '@sessionhub/core';
import type { SqlConnection } from './driver.js';
import { recordFacts, recordOutcomeFacts } from './facts.js';
import { type Backfill, LATEST_SCHEMA_VERSION, MIGRATIONS } from './schema.js';
import { Statements } from './statements.js';

/** The schema version of a database: 0 when empty; `store.corrupt` when it is some other SQLite database. */
export function schemaVersion(db: SqlConnection, path: string): number {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
  if (tables.length === 0) return 0;
  if (!tables.some((t) => t.name === 'schema_version')) {
    throw new StoreError(
      'store.corrupt',
      `${path} is a SQLite database but not a SessionHub store (no schema_version table)`,
    );
  }
  const row = db.prepare('SELECT max(version) AS version FROM schema_version').get();
  const version = Number(row?.version);
  if (!Number.isInteger(version) || version < 1) {
    throw new StoreError('store.corrupt', `${path} has an unreadable schema version (${String(row?.version)})`);
  }
  return version;
}

/** `store.schema_too_new` when `version` is newer than this package knows. */
export function assertNotTooNew(version: number, path: string): void {
  if (version > LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      'store.schema_too_new',
      `${path} has schema version ${version}, newer than ${LATEST_SCHEMA_VERSION} which this @sessionhub/store-sqlite supports: upgrade the package`,
    );
  }
}

/** Event types that can carry the rows of `recordOutcomeFacts`. */
const OUTCOME_FACT_TYPES = "('outcome.recorded', 'step.finished', 'verifier.gate')";

/**
 * Re-derives analytics side-table rows from the stored events, in log order: every row (`all`) or only those
 * of `recordOutcomeFacts` (`outcomes`).
 */
function backfillFacts(db: SqlConnection, backfill: Exclude<Backfill, 'none'>): void {
  const st = new Statements(db);
  const sql =
    backfill === 'all'
      ? 'SELECT session_pk, data FROM events ORDER BY session_pk, seq'
      : `SELECT session_pk, data FROM events WHERE type IN ${OUTCOME_FACT_TYPES} ORDER BY session_pk, seq`;
  const record = backfill === 'all' ? recordFacts : recordOutcomeFacts;
  for (const row of db.prepare(sql).all()) {
    record(st, Number(row.session_pk), JSON.parse(String(row.data)) as SessionEvent);
  }
}

/**
 * Brings the schema to {@link LATEST_SCHEMA_VERSION}. The check is repeated inside one IMMEDIATE
 * transaction, so processes opening the same old file at once migrate it exactly once.
 */
export function migrate(db: SqlConnection, opts: { path: string; readonly: boolean }): void {
  const seen = schemaVersion(db, opts.path);
  assertNotTooNew(seen, opts.path);
  if (seen === LATEST_SCHEMA_VERSION) return;
  if (opts.readonly) {
    throw new StoreError(
      'store.read_only',
      `${opts.path} has schema version ${seen} and needs a migration to ${LATEST_SCHEMA_VERSION}, which a read-only store cannot write`,
    );
  }
  db.exec('BEGIN IMMEDIATE');
  try {
    const version = schemaVersion(db, opts.path);
    assertNotTooNew(version, opts.path);
    // Every migration's SQL first, then one backfill into the tables as they now are (`all` covers `outcomes`).
    const applied = MIGRATIONS.filter((m) => m.version > version);
    for (const m of applied) db.exec(m.sql);
    if (applied.some((m) => m.backfill === 'all')) backfillFacts(db, 'all');
    else if (applied.some((m) => m.backfill === 'outcomes')) backfillFacts(db, 'outcomes');
    db.exec('DELETE FROM schema_version');
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(LATEST_SCHEMA_VERSION);
    db.exec('COMMIT');
  } catch (err) {
    try {
      db.exec('ROLLBACK');
    } catch {
      // The transaction may already be gone; the original error matters.
    }
    throw err;
  }
}
