/**
 * The database schema as an ordered list of migrations. `schema_version` holds one row with the
 * version applied; opening an older database applies the missing migrations in one IMMEDIATE
 * transaction, a newer one is refused with `store.schema_too_new`.
 */

/**
 * Version 1: sessions, tags, the event log, templates and Foundation versions. `sessions` holds
 * only the filter and sort columns, so the joins of a search touch narrow rows; the session JSON
 * lives in `session_docs`.
 */
export const SCHEMA_V1 = `
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE sessions (
  pk INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  template_id TEXT,
  created_ms INTEGER
);
CREATE TABLE session_docs (
  pk INTEGER PRIMARY KEY REFERENCES sessions (pk) ON DELETE CASCADE,
  data TEXT NOT NULL
);
CREATE INDEX sessions_by_created ON sessions (created_ms DESC, id);
CREATE INDEX sessions_by_template ON sessions (template_id, created_ms);
CREATE INDEX sessions_by_state ON sessions (state, created_ms);
CREATE TABLE session_tags (
  tag TEXT NOT NULL,
  session_pk INTEGER NOT NULL REFERENCES sessions (pk) ON DELETE CASCADE,
  PRIMARY KEY (tag, session_pk)
) WITHOUT ROWID;
CREATE TABLE events (
  session_pk INTEGER NOT NULL REFERENCES sessions (pk) ON DELETE CASCADE,
  seq INTEGER NOT NULL CHECK (seq > 0),
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (session_pk, seq)
) WITHOUT ROWID;
CREATE TABLE templates (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  updated_ms INTEGER,
  data TEXT NOT NULL
);
CREATE INDEX templates_by_name ON templates (name, id);
CREATE TABLE foundation_versions (
  n INTEGER PRIMARY KEY AUTOINCREMENT,
  path TEXT NOT NULL,
  at_ms INTEGER,
  data TEXT NOT NULL
);
CREATE INDEX foundation_by_path ON foundation_versions (path, at_ms, n);
`;

/**
 * Version 2: the FTS5 library index (contentless: the text stays in `session_docs` only; rowid is
 * the session's `pk`) and the analytics side tables derived from events at append
 * time (open steps, step durations, gate failures, error signatures, usage records). The derived
 * rows for existing events are backfilled by the store after this SQL runs.
 */
export const SCHEMA_V2 = `
CREATE VIRTUAL TABLE library_fts USING fts5 (
  name, tags, instruction, summary,
  content = '', contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO library_fts (rowid, name, tags, instruction, summary)
  SELECT pk, json_extract(data, '$.name'),
    (SELECT group_concat(value, ' ') FROM json_each(session_docs.data, '$.tags')),
    json_extract(data, '$.instruction'), json_extract(data, '$.summary')
  FROM session_docs;
CREATE TABLE step_open (
  session_pk INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  PRIMARY KEY (session_pk, step_id)
) WITHOUT ROWID;
CREATE TABLE step_durations (
  session_pk INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  phase TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  PRIMARY KEY (session_pk, seq)
) WITHOUT ROWID;
CREATE INDEX step_durations_by_phase ON step_durations (phase, duration_ms);
CREATE TABLE gate_failures (
  session_pk INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  gate TEXT NOT NULL,
  PRIMARY KEY (session_pk, seq)
) WITHOUT ROWID;
CREATE TABLE error_signatures (
  session_pk INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  n INTEGER NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (session_pk, seq, n)
) WITHOUT ROWID;
CREATE TABLE usage_records (
  session_pk INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  phase TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  PRIMARY KEY (session_pk, seq)
) WITHOUT ROWID;
`;

/**
 * Version 3: outcomes and host resources. `usage_records` gains the call's `model` and `cost_unknown`
 * (filled from the stored events here; before, a usage's `costUnknown` was lost to analytics). `session_outcomes` holds what analytics counts of a session's outcomes, kept current at
 * append time: its latest pull-request outcome, and the count and sum of each rater's latest rating (each
 * rater's latest in `latest_ratings`); `resource_records` the host resources of execute reports and gate
 * results. Those three are backfilled by the store after this SQL runs.
 */
export const SCHEMA_V3 = `
ALTER TABLE usage_records ADD COLUMN model TEXT;
ALTER TABLE usage_records ADD COLUMN cost_unknown INTEGER NOT NULL DEFAULT 0;
UPDATE usage_records SET (model, cost_unknown) = (
  SELECT CASE WHEN json_type(e.data, '$.usage.model') = 'text' AND json_extract(e.data, '$.usage.model') <> ''
      THEN json_extract(e.data, '$.usage.model') END,
    coalesce(json_type(e.data, '$.usage.costUnknown') = 'true', 0)
  FROM events e WHERE e.session_pk = usage_records.session_pk AND e.seq = usage_records.seq
);
CREATE INDEX usage_records_by_model ON usage_records (model, session_pk) WHERE model IS NOT NULL;
CREATE TABLE session_outcomes (
  session_pk INTEGER PRIMARY KEY,
  pr_kind TEXT,
  n_ratings INTEGER NOT NULL DEFAULT 0,
  rating_sum REAL NOT NULL DEFAULT 0
);
CREATE TABLE latest_ratings (
  session_pk INTEGER NOT NULL,
  rater TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (session_pk, rater)
) WITHOUT ROWID;
CREATE TABLE resource_records (
  session_pk INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  phase TEXT NOT NULL,
  commands REAL NOT NULL,
  cpu_ms REAL NOT NULL,
  peak_memory_bytes REAL NOT NULL,
  bytes_written REAL NOT NULL,
  PRIMARY KEY (session_pk, seq)
) WITHOUT ROWID;
`;

/**
 * Version 4: the session's request kind (`input.kind`) as a column, so analytics groups by it without
 * parsing every session document (that parse was 80% of an analytics call at 100k sessions).
 */
export const SCHEMA_V4 = `
ALTER TABLE sessions ADD COLUMN input_kind TEXT;
UPDATE sessions SET input_kind = (
  SELECT CASE WHEN json_type(d.data, '$.input.kind') = 'text' THEN json_extract(d.data, '$.input.kind') END
  FROM session_docs d WHERE d.pk = sessions.pk
);
`;

/**
 * Version 5: `sessions.created_day`, the UTC midnight of `created_ms` in unix seconds (a virtual generated
 * column: nothing to write or backfill), and `sessions_by_group`, an index in the order analytics groups the
 * sessions by (template, request kind, day, state). The overall, by-template, by-request-kind and over-time
 * counts come from one ordered scan of that index instead of four sorted scans of the table.
 */
export const SCHEMA_V5 = `
ALTER TABLE sessions ADD COLUMN created_day INTEGER
  GENERATED ALWAYS AS ((created_ms - ((created_ms % 86400000) + 86400000) % 86400000) / 1000) VIRTUAL;
CREATE INDEX sessions_by_group ON sessions (template_id, input_kind, created_day, state);
`;

/** The schema version this build writes. */
export const LATEST_SCHEMA_VERSION = 5;

/**
 * What a migration derives from the stored events once its SQL (and that of every later migration being
 * applied) has run: `all` the side-table rows, or only the `outcomes` rows of version 3.
 */
export type Backfill = 'none' | 'all' | 'outcomes';

/** Migration SQL by the version it produces. */
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: string; backfill: Backfill }> = [
  { version: 1, sql: SCHEMA_V1, backfill: 'none' },
  { version: 2, sql: SCHEMA_V2, backfill: 'all' },
  { version: 3, sql: SCHEMA_V3, backfill: 'outcomes' },
  { version: 4, sql: SCHEMA_V4, backfill: 'none' },
  { version: 5, sql: SCHEMA_V5, backfill: 'none' },
];
