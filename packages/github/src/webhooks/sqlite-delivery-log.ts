import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { GitHostError } from '../errors.js';
import type { DeliveryLog, DeliveryState } from './delivery-log.js';
import type { QueuedJob, WebhookJob } from './jobs.js';

/** Options of {@link SqliteDeliveryLog.open}. */
export interface SqliteDeliveryLogOptions {
  /** The SQLite file (its own, or the SQLite store's: open the store first). */
  path: string;
  /**
   * Who holds this log's leases. Default: a new name per open (host, pid, random), so a restarted process waits
   * `leaseMs` for the leases of the one that died. A stable name (one per receiver process of a deployment) lets
   * a restart take its own jobs back at once; two live processes must never share one.
   */
  owner?: string;
  /** How long a job's lease lasts without renewal. Default 30 000 ms. */
  leaseMs?: number;
  /**
   * SQLite's `synchronous` level for this connection (WAL journal either way). `normal` (default): a recorded
   * delivery survives a crash of the process at once, and a power loss or OS crash once the WAL is synced (at the
   * next checkpoint). `full`: every record is fsynced before the receiver answers (survives a power loss too).
   */
  synchronous?: 'normal' | 'full';
  /** How long a write waits for another process's write lock. Default 5 000 ms. */
  busyTimeoutMs?: number;
}

const TABLE = 'sessionhub_github_deliveries';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ${TABLE} (
  delivery_id TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  dedup_key TEXT,
  received_at TEXT NOT NULL,
  job TEXT,
  state TEXT NOT NULL,
  session_id TEXT,
  note TEXT,
  owner TEXT,
  lease_until INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS ${TABLE}_key ON ${TABLE} (dedup_key) WHERE dedup_key IS NOT NULL;
`;
/** Columns added after the first release: a file written by it gets them on open. */
const ADDED_COLUMNS = { owner: 'TEXT', lease_until: 'INTEGER' } as const;
const QUEUED_INDEX = `CREATE INDEX IF NOT EXISTS ${TABLE}_queued ON ${TABLE} (lease_until) WHERE state = 'queued'`;

function toQueued(row: Record<string, unknown>): QueuedJob {
  return {
    deliveryId: String(row.delivery_id),
    job: JSON.parse(String(row.job)) as WebhookJob,
    ...(row.session_id ? { sessionId: String(row.session_id) } : {}),
  };
}

/**
 * A {@link DeliveryLog} in one SQLite table (`sessionhub_github_deliveries`), through Node's built-in
 * `node:sqlite` (WAL, a busy timeout for other processes). Several receiver processes may share the file: a
 * delivery id (and a dedup key) is a unique key, recorded with `INSERT … ON CONFLICT DO NOTHING`, so the same
 * delivery posted to two processes at once is recorded, and its job leased, by exactly one; queued jobs of an
 * owner that stopped renewing are taken by one `UPDATE … RETURNING`. The table can live in its own file or in
 * the SQLite store's file (`@sessionhub/store-sqlite` ignores tables it does not own): open the store first
 * there, since the store refuses a non-empty database without its own schema.
 */
export class SqliteDeliveryLog implements DeliveryLog {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly takeStatement: StatementSync;
  private readonly renewStatement: StatementSync;
  private readonly releaseStatement: StatementSync;
  private readonly updateJobStatement: StatementSync;
  private readonly updateSession: StatementSync;
  private readonly updateState: StatementSync;
  private readonly selectPending: StatementSync;
  private readonly selectOne: StatementSync;
  /** Claims waiting for this turn of the event loop's commit. */
  private claims: { values: SQLInputValue[]; resolve: (fresh: boolean) => void; reject: (error: unknown) => void }[] =
    [];

  private constructor(db: DatabaseSync, options: SqliteDeliveryLogOptions) {
    this.db = db;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? 30_000;
    // The busy timeout first: setting WAL and creating the schema may wait for another process.
    db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5_000)}`);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    migrate(db);
    this.insert = db.prepare(
      `INSERT INTO ${TABLE} (delivery_id, event, dedup_key, received_at, job, state, owner, lease_until)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.takeStatement = db.prepare(
      `UPDATE ${TABLE} SET owner = ?, lease_until = ?
       WHERE state = 'queued' AND (owner IS NULL OR lease_until < ? OR owner = ?)
       RETURNING rowid AS seq, delivery_id, job, session_id`,
    );
    this.renewStatement = db.prepare(`UPDATE ${TABLE} SET lease_until = ? WHERE state = 'queued' AND owner = ?`);
    this.releaseStatement = db.prepare(
      `UPDATE ${TABLE} SET owner = NULL, lease_until = NULL WHERE state = 'queued' AND owner = ?`,
    );
    this.updateJobStatement = db.prepare(`UPDATE ${TABLE} SET job = ? WHERE delivery_id = ?`);
    this.updateSession = db.prepare(`UPDATE ${TABLE} SET session_id = ? WHERE delivery_id = ?`);
    this.updateState = db.prepare(
      `UPDATE ${TABLE} SET state = ?, note = ?, owner = NULL, lease_until = NULL WHERE delivery_id = ?`,
    );
    this.selectPending = db.prepare(
      `SELECT delivery_id, job, session_id FROM ${TABLE} WHERE state = 'queued' ORDER BY rowid`,
    );
    this.selectOne = db.prepare(`SELECT event, state, session_id, note, owner FROM ${TABLE} WHERE delivery_id = ?`);
  }

  /**
   * Opens (creating if needed) the log in the SQLite file at `path`.
   * @throws {GitHostError} `git_host.invalid_option` without `node:sqlite` (Node < 22.13), or for a bad option.
   */
  static open(options: SqliteDeliveryLogOptions): SqliteDeliveryLog {
    if (options.owner !== undefined && options.owner.trim() === '') {
      throw new GitHostError('git_host.invalid_option', 'the delivery log owner is empty');
    }
    if (options.leaseMs !== undefined && !(Number.isFinite(options.leaseMs) && options.leaseMs >= 30)) {
      throw new GitHostError(
        'git_host.invalid_option',
        `leaseMs must be a number of at least 30, not ${options.leaseMs}`,
      );
    }
    let Database: typeof DatabaseSync;
    try {
      ({ DatabaseSync: Database } = createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite'));
    } catch (error) {
      throw new GitHostError('git_host.invalid_option', 'the delivery log needs node:sqlite (Node >= 22.13)', {
        cause: error,
      });
    }
    return new SqliteDeliveryLog(new Database(options.path), options);
  }

  /**
   * Records a delivery (see {@link DeliveryLog.claim}). Claims made in one turn of the event loop are committed
   * together, in one transaction (one WAL append; one fsync at `synchronous: 'full'`), before any resolves.
   * @throws {GitHostError} `git_host.delivery_log_unavailable` when it cannot be recorded (another process held
   *   the write lock past the busy timeout, a failing disk): nothing was recorded.
   */
  claim(deliveryId: string, event: string, job: WebhookJob | null, key?: string): Promise<boolean> {
    const values = [
      deliveryId,
      event,
      key ?? null,
      new Date().toISOString(),
      job ? JSON.stringify(job) : null,
      job ? 'queued' : 'ignored',
      job ? this.owner : null,
      job ? Date.now() + this.leaseMs : null,
    ];
    return new Promise((resolve, reject) => {
      if (this.claims.length === 0) setImmediate(() => this.commitClaims());
      this.claims.push({ values, resolve, reject });
    });
  }

  /**
   * Commits the waiting claims in one transaction: each insert conflicts (and changes nothing) on a recorded
   * delivery id or dedup key, whoever recorded it. If the transaction fails for another reason than the lock
   * (which would only be waited for again), each claim is tried alone, so one that cannot be recorded fails alone.
   */
  private commitClaims(): void {
    const batch = this.claims.splice(0);
    if (batch.length === 0) return;
    const fail = (c: (typeof batch)[number], error: unknown) => {
      const message = `cannot record delivery ${c.values[0]}: ${(error as Error).message}`;
      c.reject(new GitHostError('git_host.delivery_log_unavailable', message, { cause: error }));
    };
    if (batch.length > 1) {
      try {
        this.db.exec('BEGIN IMMEDIATE');
        const fresh = batch.map((c) => this.insert.run(...c.values).changes === 1);
        this.db.exec('COMMIT');
        for (const [i, c] of batch.entries()) c.resolve(fresh[i] === true);
        return;
      } catch (error) {
        if (this.db.isOpen && this.db.isTransaction) this.db.exec('ROLLBACK');
        if (isLocked(error)) {
          for (const c of batch) fail(c, error);
          return;
        }
      }
    }
    for (const c of batch) {
      try {
        c.resolve(this.insert.run(...c.values).changes === 1);
      } catch (error) {
        fail(c, error);
      }
    }
  }

  take(options: { own?: boolean } = {}): QueuedJob[] {
    const now = Date.now();
    // `owner = ''` matches no row: owners are never empty.
    const rows = this.takeStatement.all(this.owner, now + this.leaseMs, now, options.own ? this.owner : '');
    return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map(toQueued);
  }

  renew(): void {
    this.renewStatement.run(Date.now() + this.leaseMs, this.owner);
  }

  release(): void {
    if (this.db.isOpen) this.releaseStatement.run(this.owner);
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
    return this.selectPending.all().map(toQueued);
  }

  get(deliveryId: string) {
    const row = this.selectOne.get(deliveryId);
    if (!row) return undefined;
    return {
      event: String(row.event),
      state: String(row.state) as DeliveryState,
      ...(row.session_id ? { sessionId: String(row.session_id) } : {}),
      ...(row.note ? { note: String(row.note) } : {}),
      ...(row.owner ? { owner: String(row.owner) } : {}),
    };
  }

  /** Commits the claims still waiting, then closes the file. */
  close(): void {
    if (!this.db.isOpen) return;
    this.commitClaims();
    this.db.close();
  }
}

/** SQLITE_BUSY or SQLITE_LOCKED (primary result codes 5 and 6): another connection held the lock too long. */
function isLocked(error: unknown): boolean {
  const code = (error as { errcode?: unknown }).errcode;
  return typeof code === 'number' && ((code & 0xff) === 5 || (code & 0xff) === 6);
}

/** Creates the table, or adds the lease columns to one an earlier version wrote; one write transaction. */
function migrate(db: DatabaseSync): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(SCHEMA);
    const columns = new Set(
      db
        .prepare(`PRAGMA table_info(${TABLE})`)
        .all()
        .map((c) => String(c.name)),
    );
    for (const [name, type] of Object.entries(ADDED_COLUMNS)) {
      if (!columns.has(name)) db.exec(`ALTER TABLE ${TABLE} ADD COLUMN ${name} ${type}`);
    }
    db.exec(QUEUED_INDEX);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
