import { createRequire } from 'node:module';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { GitHostError } from '../errors.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessionhub_github_pulls (
  repo TEXT NOT NULL,
  number INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  issue_number INTEGER,
  PRIMARY KEY (repo, number)
);
`;

/**
 * Which pull request (and issue) belongs to which session, in one table (`sessionhub_github_pulls`) of the
 * SQLite file the delivery log uses. The issue loop writes a link when it opens a session's pull request; a
 * `pull_request.closed` delivery, a revert and `/sessionhub rate` find the session through it. What became of the
 * work is not kept here: it is recorded on the session's log (core's `recordOutcome`, `outcome.recorded`).
 */
export class SqlitePullRequestLinks {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly select: StatementSync;

  private constructor(db: DatabaseSync) {
    this.db = db;
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(SCHEMA);
    this.insert = db.prepare(
      'INSERT OR REPLACE INTO sessionhub_github_pulls (repo, number, session_id, issue_number) VALUES (?, ?, ?, ?)',
    );
    this.select = db.prepare(
      'SELECT session_id FROM sessionhub_github_pulls WHERE repo = ? AND (number = ? OR issue_number = ?) ORDER BY rowid DESC LIMIT 1',
    );
  }

  /**
   * Opens (creating if needed) the link table in the SQLite file at `path`.
   * @throws {GitHostError} `git_host.invalid_option` when the file cannot be opened (or Node has no `node:sqlite`).
   */
  static open(options: { path: string }): SqlitePullRequestLinks {
    try {
      const { DatabaseSync: Database } = createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite');
      return new SqlitePullRequestLinks(new Database(options.path));
    } catch (error) {
      throw new GitHostError('git_host.invalid_option', `cannot open the pull request links at ${options.path}`, {
        cause: error,
      });
    }
  }

  /** Remembers which session a pull request (and its issue) belongs to; linking the pull request again replaces it. */
  link(link: { repo: string; number: number; sessionId: string; issueNumber?: number }): void {
    this.insert.run(link.repo, link.number, link.sessionId, link.issueNumber ?? null);
  }

  /** The session of a pull request, or of the issue a session's pull request closes (the latest link first). */
  sessionOf(repo: string, number: number): string | undefined {
    const row = this.select.get(repo, number, number);
    return row ? String(row.session_id) : undefined;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
