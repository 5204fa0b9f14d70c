// The version-1 schema exactly as the first release wrote it (kept here by hand, not imported,
// so a change to the shipped migrations cannot silently change what "a v1 file" means).
export const V1_SQL = `
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (1);
CREATE TABLE sessions (pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, state TEXT NOT NULL, template_id TEXT,
  created_ms INTEGER);
CREATE TABLE session_docs (pk INTEGER PRIMARY KEY REFERENCES sessions (pk) ON DELETE CASCADE, data TEXT NOT NULL);
CREATE INDEX sessions_by_created ON sessions (created_ms DESC, id);
CREATE INDEX sessions_by_template ON sessions (template_id, created_ms);
CREATE INDEX sessions_by_state ON sessions (state, created_ms);
CREATE TABLE session_tags (tag TEXT NOT NULL, session_pk INTEGER NOT NULL REFERENCES sessions (pk) ON DELETE CASCADE,
  PRIMARY KEY (tag, session_pk)) WITHOUT ROWID;
CREATE TABLE events (session_pk INTEGER NOT NULL REFERENCES sessions (pk) ON DELETE CASCADE,
  seq INTEGER NOT NULL CHECK (seq > 0), type TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (session_pk, seq)) WITHOUT ROWID;
CREATE TABLE templates (id TEXT PRIMARY KEY, name TEXT NOT NULL, updated_ms INTEGER, data TEXT NOT NULL);
CREATE INDEX templates_by_name ON templates (name, id);
CREATE TABLE foundation_versions (n INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL, at_ms INTEGER,
  data TEXT NOT NULL);
CREATE INDEX foundation_by_path ON foundation_versions (path, at_ms, n);
`;

// What version 2 added to version 1, as the release of version 2 wrote it (by hand, as above).
export const V2_ADDED_SQL = `
CREATE VIRTUAL TABLE library_fts USING fts5 (name, tags, instruction, summary, content = '', contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE step_open (session_pk INTEGER NOT NULL, step_id TEXT NOT NULL, started_ms INTEGER NOT NULL,
  PRIMARY KEY (session_pk, step_id)) WITHOUT ROWID;
CREATE TABLE step_durations (session_pk INTEGER NOT NULL, seq INTEGER NOT NULL, phase TEXT NOT NULL,
  duration_ms REAL NOT NULL, PRIMARY KEY (session_pk, seq)) WITHOUT ROWID;
CREATE INDEX step_durations_by_phase ON step_durations (phase, duration_ms);
CREATE TABLE gate_failures (session_pk INTEGER NOT NULL, seq INTEGER NOT NULL, gate TEXT NOT NULL,
  PRIMARY KEY (session_pk, seq)) WITHOUT ROWID;
CREATE TABLE error_signatures (session_pk INTEGER NOT NULL, seq INTEGER NOT NULL, n INTEGER NOT NULL,
  signature TEXT NOT NULL, PRIMARY KEY (session_pk, seq, n)) WITHOUT ROWID;
CREATE TABLE usage_records (session_pk INTEGER NOT NULL, seq INTEGER NOT NULL, phase TEXT NOT NULL,
  input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL, PRIMARY KEY (session_pk, seq)) WITHOUT ROWID;
UPDATE schema_version SET version = 2;
`;
