import { createRequire } from 'node:module';
import type { DatabaseSync } from 'node:sqlite';
import { GitHostError } from '../errors.js';

/** What became of a session's work, or what a user thought of it. */
export type OutcomeKind = 'merged' | 'closed' | 'reverted' | 'rating';

/** One recorded outcome. */
export interface Outcome {
  sessionId: string;
  kind: OutcomeKind;
  /** For `rating`: 1..5. Else 1. */
  value: number;
  /** Who or what reported it (a login, `github`). One outcome per session, kind and source. */
  source: string;
  note?: string;
  at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessionhub_github_outcomes (
  session_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  value REAL NOT NULL,
  source TEXT NOT NULL,
  note TEXT,
  at TEXT NOT NULL,
  PRIMARY KEY (session_id, kind, source)
);
CREATE TABLE IF NOT EXISTS sessionhub_github_pulls (
  repo TEXT NOT NULL,
  number INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  issue_number INTEGER,
  PRIMARY KEY (repo, number)
);
`;

/**
 * Outcomes of sessions on GitHub, in two tables of the SQLite file the delivery log uses: which pull request
 * a session opened, whether it was merged or closed unmerged, and users' ratings (`/sessionhub rate 1..5`). Kept
 * here, beside the session store, until core's event model has outcome events (see docs/github.md).
 */
export class SqliteOutcomeLog {
  private readonly db: DatabaseSync;

  private constructor(db: DatabaseSync) {
    this.db = db;
    db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
    db.exec(SCHEMA);
  }

  /** Opens (creating if needed) the outcome tables in the SQLite file at `path`. */
  static open(options: { path: string }): SqliteOutcomeLog {
    try {
      const { DatabaseSync: Database } = createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite');
      return new SqliteOutcomeLog(new Database(options.path));
    } catch (error) {
      throw new GitHostError('git_host.invalid_option', `cannot open the outcome log at ${options.path}`, {
        cause: error,
      });
    }
  }

  /** Remembers which session a pull request (and its issue) belongs to. */
  linkPullRequest(link: { repo: string; number: number; sessionId: string; issueNumber?: number }): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO sessionhub_github_pulls (repo, number, session_id, issue_number) VALUES (?, ?, ?, ?)',
      )
      .run(link.repo, link.number, link.sessionId, link.issueNumber ?? null);
  }

  /** The session of a pull request, or of the issue a session's pull request closes (latest first). */
  sessionOf(repo: string, number: number): string | undefined {
    const row = this.db
      .prepare(
        'SELECT session_id FROM sessionhub_github_pulls WHERE repo = ? AND (number = ? OR issue_number = ?) ORDER BY rowid DESC LIMIT 1',
      )
      .get(repo, number, number);
    return row ? String(row.session_id) : undefined;
  }

  /** Records an outcome; the same session, kind and source again replaces it (a user changes a rating). */
  record(outcome: Omit<Outcome, 'at'> & { at?: string }): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO sessionhub_github_outcomes (session_id, kind, value, source, note, at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        outcome.sessionId,
        outcome.kind,
        outcome.value,
        outcome.source,
        outcome.note ?? null,
        outcome.at ?? new Date().toISOString(),
      );
  }

  /** Every outcome of a session, oldest first. */
  forSession(sessionId: string): Outcome[] {
    return this.db
      .prepare('SELECT * FROM sessionhub_github_outcomes WHERE session_id = ? ORDER BY at, rowid')
      .all(sessionId)
      .map((r) => ({
        sessionId: String(r.session_id),
        kind: String(r.kind) as OutcomeKind,
        value: Number(r.value),
        source: String(r.source),
        ...(r.note ? { note: String(r.note) } : {}),
        at: String(r.at),
      }));
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
