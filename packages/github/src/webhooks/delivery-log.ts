import { createRequire } from 'node:module';
import type { DatabaseSync } from 'node:sqlite';
import { GitHostError } from '../errors.js';
import type { QueuedJob, WebhookJob } from './jobs.js';

/** The state of a recorded delivery. */
export type DeliveryState = 'ignored' | 'queued' | 'done' | 'failed';

/**
 * The durable record of webhook deliveries: what makes the receiver idempotent across restarts. A delivery
 * id is recorded once (`claim`), with the job it asked for; the job's session id and end are recorded as it runs.
 */
export interface DeliveryLog {
  /**
   * Records a delivery with its job (`null`: nothing to do) if its id is new. `key` (an error fingerprint, say)
   * makes every later delivery with the same key a duplicate too: one job per key, ever.
   * @returns `false` when the delivery id (or the key) was already recorded: nothing is to be done.
   */
  claim(deliveryId: string, event: string, job: WebhookJob | null, key?: string): boolean;
  /** Replaces a queued job (an error report becomes an issue job once its issue is filed). */
  updateJob(deliveryId: string, job: WebhookJob): void;
  /** Records the session a job started. */
  setSession(deliveryId: string, sessionId: string): void;
  /** Records that a job ended. */
  finish(deliveryId: string, state: 'done' | 'failed', note?: string): void;
  /** Jobs recorded but not ended (a restart queues them again), oldest first. */
  pending(): QueuedJob[];
  /** The recorded state of a delivery, if any. */
  get(deliveryId: string): { event: string; state: DeliveryState; sessionId?: string; note?: string } | undefined;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessionhub_github_deliveries (
  delivery_id TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  dedup_key TEXT,
  received_at TEXT NOT NULL,
  job TEXT,
  state TEXT NOT NULL,
  session_id TEXT,
  note TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS sessionhub_github_deliveries_key
  ON sessionhub_github_deliveries (dedup_key) WHERE dedup_key IS NOT NULL;
`;

/**
 * A {@link DeliveryLog} in one SQLite table (`sessionhub_github_deliveries`), through Node's built-in
 * `node:sqlite` (WAL, `synchronous=NORMAL`, a busy timeout for other processes). The table can live in its own
 * file or in the SQLite store's file (`@sessionhub/store-sqlite` ignores tables it does not own): open the store
 * first there, since the store refuses a non-empty database without its own schema.
 */
export class SqliteDeliveryLog implements DeliveryLog {
  private readonly db: DatabaseSync;
  private readonly insert;
  private readonly updateJobStatement;
  private readonly updateSession;
  private readonly updateState;
  private readonly selectPending;
  private readonly selectOne;

  private constructor(db: DatabaseSync) {
    this.db = db;
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    db.exec(SCHEMA);
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO sessionhub_github_deliveries (delivery_id, event, dedup_key, received_at, job, state) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.updateJobStatement = db.prepare('UPDATE sessionhub_github_deliveries SET job = ? WHERE delivery_id = ?');
    this.updateSession = db.prepare('UPDATE sessionhub_github_deliveries SET session_id = ? WHERE delivery_id = ?');
    this.updateState = db.prepare('UPDATE sessionhub_github_deliveries SET state = ?, note = ? WHERE delivery_id = ?');
    this.selectPending = db.prepare(
      "SELECT delivery_id, job, session_id FROM sessionhub_github_deliveries WHERE state = 'queued' ORDER BY rowid",
    );
    this.selectOne = db.prepare(
      'SELECT event, state, session_id, note FROM sessionhub_github_deliveries WHERE delivery_id = ?',
    );
  }

  /** Opens (creating if needed) the log in the SQLite file at `path`. */
  static open(options: { path: string }): SqliteDeliveryLog {
    let Database: typeof DatabaseSync;
    try {
      ({ DatabaseSync: Database } = createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite'));
    } catch (error) {
      throw new GitHostError('git_host.invalid_option', 'the delivery log needs node:sqlite (Node >= 22.13)', {
        cause: error,
      });
    }
    return new SqliteDeliveryLog(new Database(options.path));
  }

  claim(deliveryId: string, event: string, job: WebhookJob | null, key?: string): boolean {
    // One statement: a second id, or a second key, is ignored by the primary key or the unique index.
    const result = this.insert.run(
      deliveryId,
      event,
      key ?? null,
      new Date().toISOString(),
      job ? JSON.stringify(job) : null,
      job ? 'queued' : 'ignored',
    );
    return result.changes === 1;
  }

  updateJob(deliveryId: string, job: WebhookJob): void {
    this.updateJobStatement.run(JSON.stringify(job), deliveryId);
  }

  setSession(deliveryId: string, sessionId: string): void {
    this.updateSession.run(sessionId, deliveryId);
  }

  finish(deliveryId: string, state: 'done' | 'failed', note?: string): void {
    this.updateState.run(state, note ?? null, deliveryId);
  }

  pending(): QueuedJob[] {
    return this.selectPending.all().map((row) => ({
      deliveryId: String(row.delivery_id),
      job: JSON.parse(String(row.job)) as WebhookJob,
      ...(row.session_id ? { sessionId: String(row.session_id) } : {}),
    }));
  }

  get(deliveryId: string) {
    const row = this.selectOne.get(deliveryId);
    if (!row) return undefined;
    return {
      event: String(row.event),
      state: String(row.state) as DeliveryState,
      ...(row.session_id ? { sessionId: String(row.session_id) } : {}),
      ...(row.note ? { note: String(row.note) } : {}),
    };
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
