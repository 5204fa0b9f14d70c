/**
 * The database schema as an ordered list of migrations, inside the store's own PostgreSQL schema
 * (namespace, `sessionhub` by default). `schema_version` holds the version applied; opening an
 * older schema applies the missing migrations in one transaction under an advisory lock, a newer
 * one is refused with `store.schema_too_new`.
 *
 * Keys (ids, tags, template names, paths) are `text COLLATE "C"`: compared by code point, as
 * core compares them, whatever the database's locale.
 */

/** Version 1: sessions with their library `tsvector`, the event log, analytics side tables, templates, Foundation versions. */
export const SCHEMA_V1 = `
CREATE TABLE schema_version (version integer NOT NULL);
CREATE TABLE sessions (
  pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text COLLATE "C" NOT NULL UNIQUE,
  state text COLLATE "C" NOT NULL,
  template_id text COLLATE "C",
  created_ms bigint,
  tags text[] COLLATE "C" NOT NULL DEFAULT '{}',
  last_seq integer NOT NULL DEFAULT 0,
  search tsvector NOT NULL,
  data text NOT NULL
);
CREATE INDEX sessions_by_created ON sessions (created_ms DESC, id);
CREATE INDEX sessions_by_template ON sessions (template_id, created_ms);
CREATE INDEX sessions_by_state ON sessions (state, created_ms);
CREATE INDEX sessions_by_tags ON sessions USING gin (tags);
CREATE INDEX sessions_search ON sessions USING gin (search);
CREATE TABLE events (
  session_pk bigint NOT NULL REFERENCES sessions (pk) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq > 0),
  type text NOT NULL,
  at text NOT NULL,
  data text NOT NULL,
  PRIMARY KEY (session_pk, seq)
);
CREATE TABLE step_open (
  session_pk bigint NOT NULL,
  step_id text COLLATE "C" NOT NULL,
  started_ms bigint NOT NULL,
  PRIMARY KEY (session_pk, step_id)
);
CREATE TABLE step_durations (
  session_pk bigint NOT NULL,
  seq integer NOT NULL,
  phase text COLLATE "C" NOT NULL,
  duration_ms double precision NOT NULL,
  PRIMARY KEY (session_pk, seq)
);
CREATE INDEX step_durations_by_phase ON step_durations (phase, duration_ms);
CREATE TABLE gate_failures (
  session_pk bigint NOT NULL,
  seq integer NOT NULL,
  gate text COLLATE "C" NOT NULL,
  PRIMARY KEY (session_pk, seq)
);
CREATE TABLE error_signatures (
  session_pk bigint NOT NULL,
  seq integer NOT NULL,
  n integer NOT NULL,
  signature text COLLATE "C" NOT NULL,
  PRIMARY KEY (session_pk, seq, n)
);
CREATE TABLE usage_records (
  session_pk bigint NOT NULL,
  seq integer NOT NULL,
  phase text COLLATE "C" NOT NULL,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cache_read_tokens bigint NOT NULL,
  cache_write_tokens bigint NOT NULL,
  cost_usd double precision NOT NULL,
  PRIMARY KEY (session_pk, seq)
);
CREATE TABLE templates (
  id text COLLATE "C" PRIMARY KEY,
  name text COLLATE "C" NOT NULL,
  updated_ms bigint,
  data text NOT NULL
);
CREATE INDEX templates_by_name ON templates (name, id);
CREATE TABLE foundation_versions (
  n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  path text COLLATE "C" NOT NULL,
  at_ms bigint,
  data text NOT NULL
);
CREATE INDEX foundation_by_path ON foundation_versions (path, at_ms, n);
`;

/**
 * Version 2: outcomes and host resources. `usage_records` gains the call's `model` and `cost_unknown` (before,
 * a usage's `costUnknown` was lost to analytics). `session_outcomes` holds
 * what analytics counts of a session's outcomes, kept current at append time: its latest pull-request
 * outcome, and the count and sum of each rater's latest rating (each rater's latest in `latest_ratings`);
 * `resource_records` the host resources of execute reports and gate results. The rows for events stored
 * before are backfilled by `migrate`.
 */
export const SCHEMA_V2 = `
ALTER TABLE usage_records ADD COLUMN model text COLLATE "C";
ALTER TABLE usage_records ADD COLUMN cost_unknown boolean NOT NULL DEFAULT false;
CREATE INDEX usage_records_by_model ON usage_records (model, session_pk) WHERE model IS NOT NULL;
CREATE TABLE session_outcomes (
  session_pk bigint PRIMARY KEY,
  pr_kind text COLLATE "C",
  n_ratings integer NOT NULL DEFAULT 0,
  rating_sum double precision NOT NULL DEFAULT 0
);
CREATE TABLE latest_ratings (
  session_pk bigint NOT NULL,
  rater text COLLATE "C" NOT NULL,
  value double precision NOT NULL,
  PRIMARY KEY (session_pk, rater)
);
CREATE TABLE resource_records (
  session_pk bigint NOT NULL,
  seq integer NOT NULL,
  phase text COLLATE "C" NOT NULL,
  commands double precision NOT NULL,
  cpu_ms double precision NOT NULL,
  peak_memory_bytes double precision NOT NULL,
  bytes_written double precision NOT NULL,
  PRIMARY KEY (session_pk, seq)
);
`;

/** The schema version this build writes. */
export const LATEST_SCHEMA_VERSION = 2;

/**
 * Migration SQL by the version it produces; `backfillOutcomes`: derive the version-2 rows (and usage
 * models) from the events already stored, once every migration's SQL has run.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: string; backfillOutcomes: boolean }> = [
  { version: 1, sql: SCHEMA_V1, backfillOutcomes: false },
  { version: 2, sql: SCHEMA_V2, backfillOutcomes: true },
];
