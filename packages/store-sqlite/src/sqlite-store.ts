import {
  type AnalyticsQuery,
  type AnalyticsReport,
  type AppendAndUpdateResult,
  appendConflict,
  checkEventRange,
  checkExpectedSeq,
  checkStoreKey,
  type FoundationVersion,
  type LibraryHit,
  type LibraryQuery,
  type NewSessionEvent,
  type Session,
  type SessionEvent,
  type SessionFilter,
  type Store,
  type StoreCallOptions,
  StoreError,
  storedJson,
  type Template,
} from '@sessionhub/core';
import { sqlAnalytics } from './analytics.js';
import type { SqlConnection, SqliteDriverName, SqlStatement, SqlValue } from './driver.js';
import { toStoreError } from './errors.js';
import { recordFacts } from './facts.js';
import { toFtsMatch } from './fts-query.js';
import { assertNotTooNew, schemaVersion } from './migrate.js';
import { openDatabase } from './open-database.js';
import { OUTCOME_TIER_SQL } from './outcome-stats-sql.js';
import { instantOrNull, sessionWhere } from './session-query.js';
import { Statements } from './statements.js';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file; its directory must exist unless `createDirectory`. `:memory:` for a private in-memory store. */
  path: string;
  /** How long a write waits for another connection's lock before `store.unavailable`. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Open without writing: writes fail with `store.read_only`; the file must exist at the current schema. */
  readonly?: boolean;
  /**
   * `normal` (default): with WAL, every acknowledged write survives a process crash (SIGKILL);
   * the last transactions may be lost on power loss or an OS crash, never corrupting the file.
   * `full`: also survives power loss, at the cost of an fsync per transaction.
   */
  synchronous?: 'normal' | 'full';
  /**
   * SQLite driver. Default `node:sqlite` (built into Node, no native build; see the README for the
   * benchmark behind the choice). `better-sqlite3` works when that package is installed.
   */
  driver?: SqliteDriverName;
  /** Create missing parent directories instead of failing with `store.unavailable`. Default false. */
  createDirectory?: boolean;
  /** SQLite page cache per connection, in MiB (grows only as used). Default 64. */
  cacheSizeMiB?: number;
  /** Memory-mapped reads, in MiB; 0 (default) turns them off. Speeds up reads of big files. */
  mmapSizeMiB?: number;
  /** Clock for event `at` times; default `() => new Date()`. */
  now?: () => Date;
}

/** Microtask hops without a new write after which a group commit flushes. */
const IDLE_HOPS = 12;
/** Most microtask hops a group commit waits in all. */
const MAX_HOPS = 2000;

/** Settled once: `.then` on it queues a plain V8 microtask (`queueMicrotask` adds an async resource each time). */
const RESOLVED = Promise.resolve();

/** Query statements kept per store ({@link SqliteStore}'s `#query`): more than the filter combinations in use. */
const MAX_CACHED_QUERIES = 64;

/** A write waiting for the next group commit. */
interface PendingWrite {
  operation: string;
  signal: AbortSignal | undefined;
  /** The write checks the schema version itself before it writes anything (an append): alone, it needs no {@link SqliteStore.#checkSchema}. */
  checksSchema: boolean;
  fn: (st: Statements) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The session fields the library index and the tag table hold. */
const LIBRARY_FIELDS = ['name', 'tags', 'instruction', 'summary'] as const;

/** The FTS5 bm25 weights of the library columns (name, tags, instruction, summary), as in core's library search. */
export const LIBRARY_BM25_WEIGHTS = [3, 3, 1, 1] as const;

function tagsText(session: Session): string {
  return (session.tags ?? []).join(' ');
}

function parse<T>(data: unknown): T {
  return JSON.parse(String(data)) as T;
}

/**
 * A durable {@link Store} on one SQLite file: WAL journal, busy timeout, versioned schema
 * migrations, FTS5 library search ranked by bm25, analytics in SQL over side tables filled at
 * append time. Safe for several connections and processes on the same file: each `appendEvents`
 * assigns sequence numbers inside one IMMEDIATE transaction under a UNIQUE (session, seq) key.
 *
 * Every call runs synchronously inside the returned promise (the drivers are synchronous), so
 * calls on one instance never interleave.
 */
export class SqliteStore implements Store {
  readonly specificationVersion = 1 as const;
  readonly name = 'sqlite';
  /** The database file. */
  readonly path: string;
  /** The driver in use. */
  readonly driver: SqliteDriverName;
  readonly #db: SqlConnection;
  readonly #st: Statements | undefined;
  readonly #readonly: boolean;
  readonly #now: () => Date;
  /** SQLite's schema cookie when the schema was last checked; see {@link #checkSchema}. */
  #schemaCookie: number | undefined;
  #schemaCookieQuery: SqlStatement | undefined;
  #closed = false;
  /** Writes waiting for the next group commit. */
  readonly #pending: PendingWrite[] = [];
  #commits = 0;
  #writes = 0;
  /** State of the scheduled flush's chain of microtask hops; see {@link #scheduleFlush}. */
  #hopping = false;
  #hopSeen = 0;
  #hopIdle = 0;
  #hops = 0;
  /** `BEGIN IMMEDIATE` and `COMMIT`, prepared once instead of parsed again by every flush. */
  #beginStatement: SqlStatement | undefined;
  #commitStatement: SqlStatement | undefined;
  /** Statements of the queries built per call (filters, search), by their text; see {@link #query}. */
  readonly #queries = new Map<string, SqlStatement>();

  /** Opens (creating or migrating) the store. Throws `StoreError` synchronously on a bad location or file. */
  constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    this.driver = options.driver ?? 'node:sqlite';
    this.#readonly = options.readonly ?? false;
    this.#now = options.now ?? (() => new Date());
    this.#db = openDatabase({
      path: options.path,
      driver: this.driver,
      readonly: this.#readonly,
      busyTimeoutMs: options.busyTimeoutMs ?? 5000,
      synchronous: options.synchronous ?? 'normal',
      createDirectory: options.createDirectory ?? false,
      cacheSizeMiB: options.cacheSizeMiB ?? 64,
      mmapSizeMiB: options.mmapSizeMiB ?? 0,
    });
    try {
      this.#st = new Statements(this.#db);
    } catch (err) {
      this.#db.close();
      throw toStoreError(err, this.path, 'open');
    }
  }

  /** Runs a read, mapping driver errors to `StoreError`. */
  #read<T>(operation: string, opts: StoreCallOptions | undefined, fn: (st: Statements) => T): T {
    if (this.#closed || !this.#st) throw new StoreError('store.closed', `SQLite store ${this.path} is closed`);
    opts?.signal?.throwIfAborted();
    // A read sees every write issued before it.
    if (this.#pending.length > 0) this.#flush();
    try {
      return fn(this.#st);
    } catch (err) {
      throw toStoreError(err, this.path, operation);
    }
  }

  /**
   * Queues `fn` for the next group commit and resolves (or rejects) once that commit is done: the
   * write is durable (per `synchronous`) before its promise settles, as the write-ahead rule needs.
   * Writes issued in one burst of microtasks (many sessions at once) share one IMMEDIATE
   * transaction and one COMMIT, so one fsync serves them all; each runs under its own SAVEPOINT, so
   * a write that fails (a conflict, a bad value) rolls back alone and the others commit.
   */
  #write<T>(
    operation: string,
    opts: StoreCallOptions | undefined,
    fn: (st: Statements) => T,
    checksSchema = false,
  ): Promise<T> {
    if (this.#closed || !this.#st) {
      return Promise.reject(new StoreError('store.closed', `SQLite store ${this.path} is closed`));
    }
    try {
      opts?.signal?.throwIfAborted();
    } catch (reason) {
      return Promise.reject(reason);
    }
    if (this.#readonly) {
      return Promise.reject(
        new StoreError('store.read_only', `${operation} on ${this.path}: the store was opened read-only`),
      );
    }
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({
        operation,
        signal: opts?.signal,
        checksSchema,
        fn,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      if (this.#pending.length === 1) this.#scheduleFlush();
    });
  }

  /**
   * Flushes at the end of the current burst of microtasks: the flush waits while other callers'
   * continuations keep adding writes (up to {@link IDLE_HOPS} hops without a new one), never past the
   * current macrotask. So a write is committed before any timer or I/O callback runs, as it was
   * before group commit, and concurrent sessions resumed by the previous commit share the next one.
   * One chain of hops at a time, its state in fields: scheduling allocates nothing per write.
   */
  #scheduleFlush(): void {
    this.#hopSeen = 0;
    this.#hopIdle = 0;
    this.#hops = 0;
    if (this.#hopping) return;
    this.#hopping = true;
    void RESOLVED.then(this.#hop);
  }

  /** One hop of the scheduled flush (see {@link #scheduleFlush}). */
  readonly #hop = (): void => {
    const pending = this.#pending.length;
    if (pending > this.#hopSeen) {
      this.#hopSeen = pending;
      this.#hopIdle = 0;
    } else this.#hopIdle++;
    if (this.#hopIdle >= IDLE_HOPS || ++this.#hops >= MAX_HOPS || pending === 0) {
      this.#hopping = false;
      this.#flush();
    } else void RESOLVED.then(this.#hop);
  };

  /**
   * Commits every queued write: one alone in its own transaction (as before group commit), several
   * in one transaction with a SAVEPOINT each. Also called before a read (so a read sees every write
   * issued before it) and by `close`.
   */
  #flush(): void {
    const batch = this.#pending.splice(0);
    if (batch.length === 0 || !this.#st) return;
    const st = this.#st;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.#beginStatement ??= this.#db.prepare('BEGIN IMMEDIATE');
      this.#beginStatement.run();
    } catch (err) {
      for (const w of batch) w.reject(toStoreError(err, this.path, w.operation));
      return;
    }
    try {
      const alone = batch.length === 1;
      if (!(alone && batch[0]?.checksSchema)) this.#checkSchema();
      for (const w of batch) {
        if (w.signal?.aborted) {
          outcomes.push({ ok: false, error: w.signal.reason });
          continue;
        }
        if (!alone) this.#db.exec('SAVEPOINT w');
        try {
          const value = w.fn(st);
          if (!alone) this.#db.exec('RELEASE w');
          outcomes.push({ ok: true, value });
        } catch (error) {
          if (alone) throw error;
          this.#db.exec('ROLLBACK TO w');
          this.#db.exec('RELEASE w');
          outcomes.push({ ok: false, error: toStoreError(error, this.path, w.operation) });
        }
      }
      this.#commitStatement ??= this.#db.prepare('COMMIT');
      this.#commitStatement.run();
      this.#commits++;
      this.#writes += batch.length;
    } catch (err) {
      try {
        this.#db.exec('ROLLBACK');
      } catch {
        // No transaction left to roll back; report the original error.
      }
      for (const w of batch) w.reject(toStoreError(err, this.path, w.operation));
      return;
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) w.resolve(outcome.value);
      else w.reject(outcome?.error);
    });
  }

  /**
   * `store.schema_too_new` if another process has since migrated the file to a schema newer than
   * this package writes. Costs one `PRAGMA schema_version` (SQLite's schema cookie, changed by
   * any DDL) per commit; the version table is read again only when the cookie moved. An append
   * alone in its commit reads the version with its session lookup instead (see {@link #append}).
   */
  #checkSchema(): void {
    this.#schemaCookieQuery ??= this.#db.prepare('PRAGMA schema_version');
    const cookie = Number(this.#schemaCookieQuery.get()?.schema_version);
    if (cookie === this.#schemaCookie) return;
    assertNotTooNew(schemaVersion(this.#db, this.path), this.path);
    this.#schemaCookie = cookie;
  }

  /** Writes a session row's derived parts: tags and the library index. */
  #index(st: Statements, pk: number, session: Session, replace: boolean): void {
    if (replace) {
      st.deleteTags.run(pk);
      st.deleteFts.run(pk);
    }
    for (const tag of session.tags ?? []) st.insertTag.run(String(tag), pk);
    st.insertFts.run(pk, session.name ?? null, tagsText(session), session.instruction ?? null, session.summary ?? null);
  }

  #insertSession(st: Statements, session: Session): void {
    checkStoreKey(session?.id, 'session id');
    const data = storedJson(session, 'session');
    if (st.sessionPk.get(session.id)) {
      throw new StoreError('store.conflict', `session ${session.id} already exists`);
    }
    const pk = Number(
      st.insertSession.run(
        session.id,
        session.state,
        session.templateId ?? null,
        instantOrNull(session.createdAt),
        inputKind(session),
      ).lastInsertRowid,
    );
    st.insertDoc.run(pk, data);
    this.#index(st, pk, session, false);
  }

  async createSession(session: Session, opts?: StoreCallOptions): Promise<void> {
    await this.#write('createSession', opts, (st) => this.#insertSession(st, session));
  }

  /**
   * Bulk path: creates many sessions in one transaction (all or none). Much faster than
   * `createSession` per session for imports; throws `store.conflict` if any id exists.
   */
  async importSessions(sessions: Iterable<Session>, opts?: StoreCallOptions): Promise<number> {
    return this.#write('importSessions', opts, (st) => {
      let n = 0;
      for (const session of sessions) {
        this.#insertSession(st, session);
        n++;
      }
      return n;
    });
  }

  async getSession(id: string, opts?: StoreCallOptions): Promise<Session | undefined> {
    return this.#read('getSession', opts, (st) => {
      checkStoreKey(id, 'session id');
      const row = st.getSession.get(id);
      return row ? parse<Session>(row.data) : undefined;
    });
  }

  async updateSession(id: string, patch: Partial<Omit<Session, 'id'>>, opts?: StoreCallOptions): Promise<Session> {
    return this.#write('updateSession', opts, (st) => this.#update(st, id, patch));
  }

  /** Patches a session row inside the running transaction; returns the stored record. */
  #update(st: Statements, id: string, patch: Partial<Omit<Session, 'id'>>): Session {
    checkStoreKey(id, 'session id');
    storedJson(patch, 'session patch');
    const row = st.sessionForUpdate.get(id);
    if (!row) throw new StoreError('store.not_found', `session ${id} not found`);
    const pk = Number(row.pk);
    const next: Session = { ...parse<Session>(row.data), ...patch, id };
    const data = storedJson(next, 'session');
    const templateId = next.templateId ?? null;
    const createdMs = instantOrNull(next.createdAt);
    const kind = inputKind(next);
    // Each index of `sessions` holding a column in the SET list is rewritten: set only what changed.
    if (row.template_id !== templateId || row.created_ms !== createdMs || row.input_kind !== kind) {
      st.updateSession.run(next.state, templateId, createdMs, kind, pk);
    } else if (row.state !== next.state) {
      st.updateState.run(next.state, pk);
    }
    st.updateDoc.run(data, pk);
    // The tags and the library row change only with the fields they index (most updates are state changes).
    if (LIBRARY_FIELDS.some((field) => field in patch)) this.#index(st, pk, next, true);
    return parse<Session>(data);
  }

  /**
   * The statement of a query built per call, prepared once per distinct text: parsing and planning
   * the search's join took 12.7 µs each time (measured on node:sqlite). The texts differ only by
   * which filters are set, so few are kept; past {@link MAX_CACHED_QUERIES} the oldest is dropped.
   */
  #query(sql: string): SqlStatement {
    let statement = this.#queries.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      if (this.#queries.size >= MAX_CACHED_QUERIES) this.#queries.delete(this.#queries.keys().next().value as string);
      this.#queries.set(sql, statement);
    }
    return statement;
  }

  async listSessions(filter: SessionFilter = {}, opts?: StoreCallOptions): Promise<Session[]> {
    return this.#read('listSessions', opts, () => {
      const where = sessionWhere(filter);
      const rows = this.#query(
        `SELECT d.data FROM sessions s JOIN session_docs d ON d.pk = s.pk
           WHERE ${where.sql} ORDER BY s.created_ms DESC, s.id LIMIT ? OFFSET ?`,
      ).all(...where.params, filter.limit ?? -1, filter.offset ?? 0);
      return rows.map((r) => parse<Session>(r.data));
    });
  }

  /**
   * Appends in one IMMEDIATE transaction. With `expectedSeq`, the session's last seq is compared
   * inside that transaction (compare-and-append): another value is `store.conflict`, nothing written.
   */
  appendEvents(
    sessionId: string,
    events: NewSessionEvent[],
    opts?: StoreCallOptions & { expectedSeq?: number },
  ): Promise<SessionEvent[]> {
    // Not `async`: `#write` returns a promise and never throws; an async method resolving with that promise
    // costs two more microtasks per call (~0.15 µs of a ~6 µs in-memory append).
    return this.#write('appendEvents', opts, (st) => this.#append(st, sessionId, events, opts?.expectedSeq), true);
  }

  /**
   * Appends and patches the session record as ONE write of the group commit (its own SAVEPOINT in a shared
   * transaction, or the whole transaction when alone): a conflict or a bad value rolls both back.
   */
  appendEventsAndUpdate(
    sessionId: string,
    events: NewSessionEvent[],
    patch: Partial<Omit<Session, 'id'>>,
    opts?: StoreCallOptions & { expectedSeq?: number },
  ): Promise<AppendAndUpdateResult> {
    return this.#write(
      'appendEventsAndUpdate',
      opts,
      (st) => {
        const stored = this.#append(st, sessionId, events, opts?.expectedSeq);
        return { events: stored, session: this.#update(st, sessionId, patch) };
      },
      true,
    );
  }

  /**
   * Appends inside the running transaction (compare-and-append with `expectedSeq`); returns the stored events.
   * Checks the schema version (`store.schema_too_new`) before it writes anything, so a commit of it alone
   * skips the flush's {@link #checkSchema}.
   */
  #append(st: Statements, sessionId: string, events: NewSessionEvent[], expected: number | undefined): SessionEvent[] {
    checkStoreKey(sessionId, 'session id');
    const expectedSeq = checkExpectedSeq(expected);
    // Inside the IMMEDIATE transaction no other connection can append, so max+1.. is gap-free;
    // the (session, seq) primary key would reject a double number if that ever broke.
    const session = st.sessionLastSeq.get(sessionId);
    if (!session) {
      this.#checkSchema();
      throw new StoreError('store.not_found', `session ${sessionId} not found`);
    }
    assertNotTooNew(Number(session.schema_version), this.path);
    const pk = Number(session.pk);
    const last = Number(session.seq);
    if (expectedSeq !== undefined && expectedSeq !== last) throw appendConflict(sessionId, expectedSeq, last);
    const at = this.#now().toISOString();
    // Every event serialised before the first insert: a bad value writes nothing.
    const rows = events.map((event, i) => {
      const full = { ...event, sessionId, seq: last + i + 1, at } as SessionEvent;
      return { full, data: storedJson(full, 'event') };
    });
    const stored: SessionEvent[] = [];
    rows.forEach(({ full, data }) => {
      st.insertEvent.run(pk, full.seq, full.type, at, data);
      const copy = parse<SessionEvent>(data);
      recordFacts(st, pk, copy);
      stored.push(copy);
    });
    return stored;
  }

  async readEvents(
    sessionId: string,
    opts?: StoreCallOptions & { fromSeq?: number; limit?: number },
  ): Promise<SessionEvent[]> {
    return this.#read('readEvents', opts, (st) => {
      checkStoreKey(sessionId, 'session id');
      const range = checkEventRange(opts);
      const row = st.sessionPk.get(sessionId);
      if (!row) return [];
      return st.readEvents
        .all(Number(row.pk), range.fromSeq, range.limit ?? -1)
        .map((r) => parse<SessionEvent>(r.data));
    });
  }

  async searchLibrary(query: LibraryQuery, opts?: StoreCallOptions): Promise<LibraryHit[]> {
    return this.#read('searchLibrary', opts, () => {
      const where = sessionWhere(query);
      const limit: SqlValue = query.limit === undefined ? -1 : Math.max(0, query.limit);
      const match = toFtsMatch(query.text);
      // Relevance order has no tier key at all: even a constant one costs the sorter a column.
      const byOutcome = query.rankBy === 'outcome';
      if (match === undefined) {
        return this.#query(
          `SELECT d.data FROM sessions s JOIN session_docs d ON d.pk = s.pk
             WHERE ${where.sql} ORDER BY ${byOutcome ? `${OUTCOME_TIER_SQL}, ` : ''}s.created_ms DESC, s.id LIMIT ?`,
        )
          .all(...where.params, limit)
          .map((r) => ({ session: parse<Session>(r.data), score: 0 }));
      }
      const weights = LIBRARY_BM25_WEIGHTS.join(', ');
      return this.#query(
        // Rank and cut on narrow rows first, then fetch the JSON of the hits only.
        `SELECT d.data, hit.rank FROM (
             SELECT s.pk, ${byOutcome ? `${OUTCOME_TIER_SQL} AS tier, ` : ''}bm25(library_fts, ${weights}) AS rank,
               s.created_ms, s.id
             FROM library_fts JOIN sessions s ON s.pk = library_fts.rowid
             WHERE library_fts MATCH ? AND ${where.sql}
             ORDER BY ${byOutcome ? 'tier, ' : ''}rank, s.created_ms DESC, s.id LIMIT ?
           ) hit JOIN session_docs d ON d.pk = hit.pk
           ORDER BY ${byOutcome ? 'hit.tier, ' : ''}hit.rank, hit.created_ms DESC, hit.id`,
      )
        .all(match, ...where.params, limit)
        .map((r) => ({ session: parse<Session>(r.data), score: -Number(r.rank) }));
    });
  }

  async putTemplate(template: Template, opts?: StoreCallOptions): Promise<void> {
    await this.#write('putTemplate', opts, (st) => {
      checkStoreKey(template?.id, 'template id');
      const data = storedJson(template, 'template');
      st.putTemplate.run(template.id, template.name, instantOrNull(template.updatedAt), data);
    });
  }

  async getTemplate(idOrName: string, opts?: StoreCallOptions): Promise<Template | undefined> {
    return this.#read('getTemplate', opts, (st) => {
      checkStoreKey(idOrName, 'template id or name');
      const row = st.templateById.get(idOrName) ?? st.templateByName.get(idOrName);
      return row ? parse<Template>(row.data) : undefined;
    });
  }

  async listTemplates(opts?: StoreCallOptions): Promise<Template[]> {
    return this.#read('listTemplates', opts, (st) => st.listTemplates.all().map((r) => parse<Template>(r.data)));
  }

  async deleteTemplate(id: string, opts?: StoreCallOptions): Promise<boolean> {
    return this.#write('deleteTemplate', opts, (st) => {
      checkStoreKey(id, 'template id');
      return st.deleteTemplate.run(id).changes > 0;
    });
  }

  async addFoundationVersion(version: FoundationVersion, opts?: StoreCallOptions): Promise<void> {
    await this.#write('addFoundationVersion', opts, (st) => {
      const data = storedJson(version, 'foundation version');
      st.insertFoundation.run(version.path, instantOrNull(version.at), data);
    });
  }

  async listFoundationVersions(opts?: StoreCallOptions & { path?: string }): Promise<FoundationVersion[]> {
    return this.#read('listFoundationVersions', opts, (st) => {
      const rows = opts?.path === undefined ? st.listFoundation.all() : st.listFoundationByPath.all(opts.path);
      return rows.map((r) => parse<FoundationVersion>(r.data));
    });
  }

  async analytics(query: AnalyticsQuery = {}, opts?: StoreCallOptions): Promise<AnalyticsReport> {
    return this.#read('analytics', opts, () => sqlAnalytics(this.#db, query));
  }

  /**
   * Group-commit counters since open: `commits` transactions committed, serving `writes` write
   * calls (each commit is one fsync at `synchronous: 'full'`). `writes / commits` above 1 means
   * concurrent sessions shared commits.
   */
  get commitStats(): { commits: number; writes: number } {
    return { commits: this.#commits, writes: this.#writes };
  }

  /** Runs `PRAGMA integrity_check`; returns `['ok']` for a sound file, otherwise SQLite's problem list. */
  async checkIntegrity(opts?: StoreCallOptions): Promise<string[]> {
    return this.#read('checkIntegrity', opts, () =>
      this.#db
        .prepare('PRAGMA integrity_check')
        .all()
        .map((r) => String(Object.values(r)[0])),
    );
  }

  /** Closes the connection (checkpointing the WAL when it is the last one). Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return;
    // Writes already issued settle first (committed, or failed typed).
    this.#flush();
    this.#closed = true;
    try {
      this.#db.close();
    } catch (err) {
      throw toStoreError(err, this.path, 'close');
    }
    // Let the callers of the writes just settled see their outcome before close() resolves.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Opens a {@link SqliteStore}: the async form of its constructor. Takes the options or just the path.
 *
 * @example const store = await openSqliteStore({ path: '.sessionhub/store.db', createDirectory: true });
 */
export async function openSqliteStore(options: SqliteStoreOptions | string): Promise<SqliteStore> {
  return new SqliteStore(typeof options === 'string' ? { path: options } : options);
}

/** The session's request kind for the `input_kind` column (what analytics groups `byRequestKind` by). */
function inputKind(session: Session): string | null {
  const kind = (session.input as { kind?: unknown } | undefined)?.kind;
  return typeof kind === 'string' ? kind : null;
}
