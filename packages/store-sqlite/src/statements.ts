import type { SqlConnection, SqlStatement } from './driver.js';

/** Every fixed statement the store runs, prepared once per connection. */
export class Statements {
  readonly insertSession: SqlStatement;
  readonly insertDoc: SqlStatement;
  readonly updateSession: SqlStatement;
  readonly updateState: SqlStatement;
  readonly updateDoc: SqlStatement;
  readonly getSession: SqlStatement;
  readonly sessionForUpdate: SqlStatement;
  readonly sessionPk: SqlStatement;
  readonly insertTag: SqlStatement;
  readonly deleteTags: SqlStatement;
  readonly insertFts: SqlStatement;
  readonly deleteFts: SqlStatement;
  readonly sessionLastSeq: SqlStatement;
  readonly insertEvent: SqlStatement;
  readonly readEvents: SqlStatement;
  readonly putTemplate: SqlStatement;
  readonly templateById: SqlStatement;
  readonly templateByName: SqlStatement;
  readonly listTemplates: SqlStatement;
  readonly deleteTemplate: SqlStatement;
  readonly insertFoundation: SqlStatement;
  readonly listFoundation: SqlStatement;
  readonly listFoundationByPath: SqlStatement;
  readonly openStep: SqlStatement;
  readonly getOpenStep: SqlStatement;
  readonly closeStep: SqlStatement;
  readonly insertDuration: SqlStatement;
  readonly insertGateFailure: SqlStatement;
  readonly insertSignature: SqlStatement;
  readonly insertUsage: SqlStatement;
  readonly setPullRequestOutcome: SqlStatement;
  readonly latestRating: SqlStatement;
  readonly putLatestRating: SqlStatement;
  readonly addRating: SqlStatement;
  readonly insertResources: SqlStatement;

  constructor(db: SqlConnection) {
    const p = (sql: string) => db.prepare(sql);
    // The new pk is the run's lastInsertRowid: `RETURNING pk` made this insert cost 3 to 4 times as much.
    this.insertSession = p(
      'INSERT INTO sessions (id, state, template_id, created_ms, input_kind) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertDoc = p('INSERT INTO session_docs (pk, data) VALUES (?, ?)');
    this.updateSession = p(
      'UPDATE sessions SET state = ?, template_id = ?, created_ms = ?, input_kind = ? WHERE pk = ?',
    );
    // Only the state changed (most updates): SQLite then rewrites only the indexes holding `state`.
    this.updateState = p('UPDATE sessions SET state = ? WHERE pk = ?');
    this.updateDoc = p('UPDATE session_docs SET data = ? WHERE pk = ?');
    this.getSession = p('SELECT s.pk, d.data FROM sessions s JOIN session_docs d ON d.pk = s.pk WHERE s.id = ?');
    this.sessionForUpdate = p(
      `SELECT s.pk, s.state, s.template_id, s.created_ms, s.input_kind, d.data
       FROM sessions s JOIN session_docs d ON d.pk = s.pk WHERE s.id = ?`,
    );
    this.sessionPk = p('SELECT pk FROM sessions WHERE id = ?');
    this.insertTag = p('INSERT OR IGNORE INTO session_tags (tag, session_pk) VALUES (?, ?)');
    this.deleteTags = p('DELETE FROM session_tags WHERE session_pk = ?');
    this.insertFts = p('INSERT INTO library_fts (rowid, name, tags, instruction, summary) VALUES (?, ?, ?, ?, ?)');
    this.deleteFts = p('DELETE FROM library_fts WHERE rowid = ?');
    // A session's pk, its last seq and the file's schema version in one statement: an append alone in its
    // commit needs no statement of its own for the schema check (each call costs ~0.4 µs on node:sqlite).
    this.sessionLastSeq = p(
      `SELECT s.pk, (SELECT coalesce(max(e.seq), 0) FROM events e WHERE e.session_pk = s.pk) AS seq,
         (SELECT max(version) FROM schema_version) AS schema_version
       FROM sessions s WHERE s.id = ?`,
    );
    this.insertEvent = p('INSERT INTO events (session_pk, seq, type, at, data) VALUES (?, ?, ?, ?, ?)');
    this.readEvents = p('SELECT data FROM events WHERE session_pk = ? AND seq >= ? ORDER BY seq LIMIT ?');
    this.putTemplate = p('INSERT OR REPLACE INTO templates (id, name, updated_ms, data) VALUES (?, ?, ?, ?)');
    this.templateById = p('SELECT data FROM templates WHERE id = ?');
    this.templateByName = p(
      'SELECT data FROM templates WHERE name = ? ORDER BY updated_ms IS NULL, updated_ms DESC, id LIMIT 1',
    );
    this.listTemplates = p('SELECT data FROM templates ORDER BY name, id');
    this.deleteTemplate = p('DELETE FROM templates WHERE id = ?');
    this.insertFoundation = p('INSERT INTO foundation_versions (path, at_ms, data) VALUES (?, ?, ?)');
    this.listFoundation = p('SELECT data FROM foundation_versions ORDER BY at_ms, n');
    this.listFoundationByPath = p('SELECT data FROM foundation_versions WHERE path = ? ORDER BY at_ms, n');
    this.openStep = p('INSERT OR REPLACE INTO step_open (session_pk, step_id, started_ms) VALUES (?, ?, ?)');
    this.getOpenStep = p('SELECT started_ms FROM step_open WHERE session_pk = ? AND step_id = ?');
    this.closeStep = p('DELETE FROM step_open WHERE session_pk = ? AND step_id = ?');
    this.insertDuration = p('INSERT INTO step_durations (session_pk, seq, phase, duration_ms) VALUES (?, ?, ?, ?)');
    this.insertGateFailure = p('INSERT INTO gate_failures (session_pk, seq, gate) VALUES (?, ?, ?)');
    this.insertSignature = p('INSERT INTO error_signatures (session_pk, seq, n, signature) VALUES (?, ?, ?, ?)');
    this.insertUsage = p(
      `INSERT INTO usage_records (session_pk, seq, phase, input_tokens, output_tokens, cache_read_tokens,
         cache_write_tokens, cost_usd, model, cost_unknown) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.setPullRequestOutcome = p(
      `INSERT INTO session_outcomes (session_pk, pr_kind) VALUES (?, ?)
       ON CONFLICT (session_pk) DO UPDATE SET pr_kind = excluded.pr_kind`,
    );
    this.latestRating = p('SELECT value FROM latest_ratings WHERE session_pk = ? AND rater = ?');
    this.putLatestRating = p('INSERT OR REPLACE INTO latest_ratings (session_pk, rater, value) VALUES (?, ?, ?)');
    this.addRating = p(
      `INSERT INTO session_outcomes (session_pk, n_ratings, rating_sum) VALUES (?, ?, ?)
       ON CONFLICT (session_pk) DO UPDATE SET n_ratings = n_ratings + excluded.n_ratings,
         rating_sum = rating_sum + excluded.rating_sum`,
    );
    this.insertResources = p(
      `INSERT INTO resource_records (session_pk, seq, phase, commands, cpu_ms, peak_memory_bytes, bytes_written)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }
}
