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
import pg from 'pg';
import { sqlAnalytics } from './analytics.js';
import { describeLocation, isConnectionError, type PgLocation, toStoreError } from './errors.js';
import { recordFacts } from './facts.js';
import { assertNotTooNew, migrate, quoteIdent } from './migrate.js';
import type { PostgresStoreOptions } from './options.js';
import { OUTCOME_TIER_SQL } from './outcome-stats-sql.js';
import { CancellablePool } from './pooled-call.js';
import { libraryFields, searchVectorSql, toTsQuery, touchesLibrary } from './search-text.js';
import { instantOrNull, sessionWhere } from './session-query.js';
import { keyOrNull, keyText, SqlParams } from './sql-params.js';

type Row = Record<string, unknown>;

function parse<T>(data: unknown): T {
  return JSON.parse(String(data)) as T;
}

const SESSION_ORDER = 's.created_ms DESC NULLS LAST, s.id';

/** A query result limit: `null` (no limit) when absent, never negative. */
function limitOf(limit: number | undefined): number | null {
  return limit === undefined ? null : Math.max(0, Math.trunc(limit));
}

function poolConfig(options: PostgresStoreOptions, schema: string): pg.PoolConfig {
  return {
    connectionString: options.connectionString,
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    password: options.password,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    lock_timeout: options.lockTimeoutMs ?? 10_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    application_name: 'sessionhub',
    // Startup parameter: no extra round trip per connection.
    options: `-c search_path=${quoteIdent(schema)}`,
  };
}

/**
 * A durable {@link Store} on PostgreSQL, shared by many processes on many machines: versioned
 * migrations in its own schema, library search on a weighted `tsvector` with a GIN index ranked
 * by `ts_rank`, analytics in SQL over side tables filled at append time, a bounded connection
 * pool with server-side statement, lock and idle-in-transaction timeouts.
 *
 * `appendEvents` locks the session's row (`SELECT ... FOR UPDATE`) and assigns seqs from its
 * `last_seq` in the same transaction, so appenders on any number of connections and machines get
 * gap-free seqs, and a conditional append compares under that lock. Driver errors become
 * `StoreError`s naming the server (never a password); a server that cannot be reached is
 * `store.unavailable`, and the pool reconnects on the next call once it is back.
 */
export class PostgresStore implements Store {
  readonly specificationVersion = 1 as const;
  readonly name = 'postgres';
  /** Host, port, database and schema (for logs; holds no credential). */
  readonly location: PgLocation;
  readonly #pool: CancellablePool;
  readonly #now: () => Date;
  readonly #inflight = new Set<Promise<unknown>>();
  #closed = false;

  /** Prefer {@link openPostgresStore}, which also connects and migrates. */
  constructor(options: PostgresStoreOptions = {}) {
    const schema = options.schema ?? 'sessionhub';
    const config = poolConfig(options, schema);
    // A client computes host/port/database from the options and PG* variables without connecting.
    const probe = new pg.Client(config);
    this.location = { host: probe.host, port: probe.port, database: probe.database ?? '', schema };
    this.#pool = new CancellablePool(config);
    this.#now = options.now ?? (() => new Date());
  }

  /** Connects once and migrates: `store.unavailable` naming the server and the cause when it cannot be reached. */
  async init(opts?: StoreCallOptions): Promise<void> {
    await this.#withClient('open', opts, (client) => migrate(client, this.location));
  }

  /**
   * Runs a call: rejects after close, honours an aborted signal (before it starts, and while it runs:
   * see {@link CancellablePool}), maps errors, and is tracked for `close()`.
   */
  #call<T>(operation: string, opts: StoreCallOptions | undefined, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new StoreError('store.closed', `${describeLocation(this.location)}: the store is closed`));
    }
    const signal = opts?.signal;
    try {
      signal?.throwIfAborted();
    } catch (reason) {
      return Promise.reject(reason);
    }
    const run = fn().catch((err: unknown) => {
      // An abort rejects with the signal's reason itself, as every store does.
      throw signal?.aborted && err === signal.reason ? err : toStoreError(err, this.location, operation);
    });
    this.#inflight.add(run);
    const untrack = () => this.#inflight.delete(run);
    run.then(untrack, untrack);
    return run;
  }

  #withClient<T>(
    operation: string,
    opts: StoreCallOptions | undefined,
    fn: (c: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    return this.#call(operation, opts, () => this.#pool.run(opts?.signal, fn));
  }

  /** One read statement on any pooled connection. */
  #query(
    operation: string,
    opts: StoreCallOptions | undefined,
    sql: string,
    params: unknown[] | (() => unknown[]),
  ): Promise<Row[]> {
    return this.#call(operation, opts, async () => {
      // Parameters given as a function are computed here, so input checks run after the closed/abort checks.
      const values = typeof params === 'function' ? params() : params;
      return this.#pool.run(opts?.signal, async (client) => (await client.query<Row>(sql, values)).rows);
    });
  }

  /**
   * Runs `fn` in one transaction. Its first round trip also reads the schema version, so writes
   * are refused with `store.schema_too_new` once a newer package migrated the schema.
   */
  #write<T>(operation: string, opts: StoreCallOptions | undefined, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#withClient(operation, opts, async (client) => {
      const [, version] = (await client.query('BEGIN; SELECT max(version) AS v FROM schema_version')) as unknown as [
        pg.QueryResult,
        pg.QueryResult<{ v: number }>,
      ];
      try {
        assertNotTooNew(Number(version?.rows[0]?.v ?? 0), this.location);
        const result = await fn(client);
        // Aborted meanwhile: the caller has its rejection; roll back rather than commit behind its back.
        opts?.signal?.throwIfAborted();
        await client.query('COMMIT');
        return result;
      } catch (err) {
        if (!isConnectionError(err)) await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  async #insertSession(client: pg.PoolClient, session: Session): Promise<void> {
    checkStoreKey(session?.id, 'session id');
    const data = storedJson(session, 'session');
    const p = new SqlParams();
    const [a, b, c, d] = libraryFields(session).map((f) => p.add(f));
    const sql = `INSERT INTO sessions (id, state, template_id, created_ms, tags, data, search)
      VALUES (${p.add(keyText(session.id))}, ${p.add(String(session.state))}, ${p.add(keyOrNull(session.templateId))},
        ${p.add(instantOrNull(session.createdAt))}::bigint, ${p.add((session.tags ?? []).map((t) => keyText(String(t))))}::text[],
        ${p.add(data)}, ${searchVectorSql(a as string, b as string, c as string, d as string)})
      ON CONFLICT (id) DO NOTHING RETURNING pk`;
    const inserted = await client.query(sql, p.values);
    if (inserted.rowCount === 0) throw new StoreError('store.conflict', `session ${session.id} already exists`);
  }

  async createSession(session: Session, opts?: StoreCallOptions): Promise<void> {
    await this.#write('createSession', opts, (client) => this.#insertSession(client, session));
  }

  async getSession(id: string, opts?: StoreCallOptions): Promise<Session | undefined> {
    const rows = await this.#query('getSession', opts, 'SELECT data FROM sessions WHERE id = $1', () => [
      keyText(checkStoreKey(id, 'session id')),
    ]);
    return rows[0] ? parse<Session>(rows[0].data) : undefined;
  }

  async updateSession(id: string, patch: Partial<Omit<Session, 'id'>>, opts?: StoreCallOptions): Promise<Session> {
    return this.#write('updateSession', opts, (client) => this.#update(client, id, patch));
  }

  /** Patches a session row inside the running transaction (holding its lock); returns the stored record. */
  async #update(client: pg.PoolClient, id: string, patch: Partial<Omit<Session, 'id'>>): Promise<Session> {
    checkStoreKey(id, 'session id');
    storedJson(patch, 'session patch');
    const found = await client.query<Row>('SELECT pk, data FROM sessions WHERE id = $1 FOR UPDATE', [keyText(id)]);
    const row = found.rows[0];
    if (!row) throw new StoreError('store.not_found', `session ${id} not found`);
    const next: Session = { ...parse<Session>(row.data), ...patch, id };
    const data = storedJson(next, 'session');
    const p = new SqlParams();
    let search = '';
    // The library vector is rebuilt only when a field it indexes changed (state changes are the common update).
    if (touchesLibrary(patch)) {
      const [a, b, c, d] = libraryFields(next).map((f) => p.add(f));
      search = `, search = ${searchVectorSql(a as string, b as string, c as string, d as string)}`;
    }
    await client.query(
      `UPDATE sessions SET state = ${p.add(String(next.state))}, template_id = ${p.add(keyOrNull(next.templateId))},
         created_ms = ${p.add(instantOrNull(next.createdAt))}::bigint,
         tags = ${p.add((next.tags ?? []).map((t) => keyText(String(t))))}::text[], data = ${p.add(data)}${search}
       WHERE pk = ${p.add(row.pk)}`,
      p.values,
    );
    return parse<Session>(data);
  }

  async listSessions(filter: SessionFilter = {}, opts?: StoreCallOptions): Promise<Session[]> {
    const p = new SqlParams();
    const where = sessionWhere(filter, p);
    const sql = `SELECT s.data FROM sessions s WHERE ${where} ORDER BY ${SESSION_ORDER}
      LIMIT ${p.add(limitOf(filter.limit))}::bigint OFFSET ${p.add(Math.max(0, filter.offset ?? 0))}::bigint`;
    const rows = await this.#query('listSessions', opts, sql, p.values);
    return rows.map((r) => parse<Session>(r.data));
  }

  /**
   * Appends in one transaction holding the session row's lock: seqs continue from `last_seq`;
   * with `expectedSeq`, the comparison happens under that lock (compare-and-append).
   */
  async appendEvents(
    sessionId: string,
    events: NewSessionEvent[],
    opts?: StoreCallOptions & { expectedSeq?: number },
  ): Promise<SessionEvent[]> {
    return this.#write('appendEvents', opts, (client) => this.#append(client, sessionId, events, opts?.expectedSeq));
  }

  /**
   * Appends and patches the session record in ONE transaction, under the session row's lock: a conflict, a
   * bad value or an abort before COMMIT rolls both back.
   */
  async appendEventsAndUpdate(
    sessionId: string,
    events: NewSessionEvent[],
    patch: Partial<Omit<Session, 'id'>>,
    opts?: StoreCallOptions & { expectedSeq?: number },
  ): Promise<AppendAndUpdateResult> {
    return this.#write('appendEventsAndUpdate', opts, async (client) => {
      const stored = await this.#append(client, sessionId, events, opts?.expectedSeq);
      return { events: stored, session: await this.#update(client, sessionId, patch) };
    });
  }

  /** Appends inside the running transaction, taking the session row's lock (compare-and-append with `expectedSeq`). */
  async #append(
    client: pg.PoolClient,
    sessionId: string,
    events: NewSessionEvent[],
    expected: number | undefined,
  ): Promise<SessionEvent[]> {
    checkStoreKey(sessionId, 'session id');
    const expectedSeq = checkExpectedSeq(expected);
    if (!Array.isArray(events)) throw new StoreError('store.invalid_value', 'events must be an array');
    const found = await client.query<{ pk: string; last_seq: number }>(
      'SELECT pk, last_seq FROM sessions WHERE id = $1 FOR UPDATE',
      [keyText(sessionId)],
    );
    const row = found.rows[0];
    if (!row) throw new StoreError('store.not_found', `session ${sessionId} not found`);
    const last = Number(row.last_seq);
    if (expectedSeq !== undefined && expectedSeq !== last) throw appendConflict(sessionId, expectedSeq, last);
    if (events.length === 0) return [];
    const at = this.#now().toISOString();
    // Every event serialised before the first write: a bad value writes nothing.
    const rows = events.map((event, i) => {
      const full = { ...event, sessionId, seq: last + i + 1, at } as SessionEvent;
      return { full, data: storedJson(full, 'event') };
    });
    const stored = rows.map((r) => parse<SessionEvent>(r.data));
    await client.query(
      `WITH ins AS (
         INSERT INTO events (session_pk, seq, type, at, data)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])
       ) UPDATE sessions SET last_seq = $6 WHERE pk = $1`,
      [
        row.pk,
        stored.map((e) => e.seq),
        stored.map((e) => keyText(String(e.type))),
        stored.map(() => at),
        rows.map((r) => r.data),
        last + events.length,
      ],
    );
    await recordFacts(client, row.pk, stored);
    return stored;
  }

  async readEvents(
    sessionId: string,
    opts?: StoreCallOptions & { fromSeq?: number; limit?: number },
  ): Promise<SessionEvent[]> {
    const rows = await this.#query(
      'readEvents',
      opts,
      `SELECT e.data FROM events e JOIN sessions s ON s.pk = e.session_pk
       WHERE s.id = $1 AND e.seq >= $2 ORDER BY e.seq LIMIT $3::bigint`,
      () => {
        const key = keyText(checkStoreKey(sessionId, 'session id'));
        const range = checkEventRange(opts);
        return [key, range.fromSeq, limitOf(range.limit)];
      },
    );
    return rows.map((r) => parse<SessionEvent>(r.data));
  }

  async searchLibrary(query: LibraryQuery, opts?: StoreCallOptions): Promise<LibraryHit[]> {
    const p = new SqlParams();
    const tsquery = toTsQuery(query?.text);
    const tier = query?.rankBy === 'outcome' ? `${OUTCOME_TIER_SQL}, ` : '';
    if (tsquery === undefined) {
      const where = sessionWhere(query ?? {}, p);
      const rows = await this.#query(
        'searchLibrary',
        opts,
        `SELECT s.data FROM sessions s WHERE ${where} ORDER BY ${tier}${SESSION_ORDER} LIMIT ${p.add(limitOf(query?.limit))}::bigint`,
        p.values,
      );
      return rows.map((r) => ({ session: parse<Session>(r.data), score: 0 }));
    }
    const q = p.add(tsquery);
    const where = sessionWhere(query, p);
    const rows = await this.#query(
      'searchLibrary',
      opts,
      `SELECT s.data, ts_rank(s.search, q) AS rank FROM sessions s, to_tsquery('simple', ${q}) q
       WHERE s.search @@ q AND ${where}
       ORDER BY ${tier}rank DESC, ${SESSION_ORDER} LIMIT ${p.add(limitOf(query.limit))}::bigint`,
      p.values,
    );
    return rows.map((r) => ({ session: parse<Session>(r.data), score: Number(r.rank) }));
  }

  async putTemplate(template: Template, opts?: StoreCallOptions): Promise<void> {
    await this.#write('putTemplate', opts, async (client) => {
      checkStoreKey(template?.id, 'template id');
      const data = storedJson(template, 'template');
      await client.query(
        `INSERT INTO templates (id, name, updated_ms, data) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, updated_ms = EXCLUDED.updated_ms, data = EXCLUDED.data`,
        [keyText(template.id), keyText(String(template.name)), instantOrNull(template.updatedAt), data],
      );
    });
  }

  async getTemplate(idOrName: string, opts?: StoreCallOptions): Promise<Template | undefined> {
    const rows = await this.#query(
      'getTemplate',
      opts,
      `(SELECT data, 0 AS pref FROM templates WHERE id = $1)
       UNION ALL (SELECT data, 1 FROM templates WHERE name = $1 ORDER BY updated_ms DESC NULLS LAST, id LIMIT 1)
       ORDER BY pref LIMIT 1`,
      () => [keyText(checkStoreKey(idOrName, 'template id or name'))],
    );
    return rows[0] ? parse<Template>(rows[0].data) : undefined;
  }

  async listTemplates(opts?: StoreCallOptions): Promise<Template[]> {
    const rows = await this.#query('listTemplates', opts, 'SELECT data FROM templates ORDER BY name, id', []);
    return rows.map((r) => parse<Template>(r.data));
  }

  async deleteTemplate(id: string, opts?: StoreCallOptions): Promise<boolean> {
    return this.#write('deleteTemplate', opts, async (client) => {
      checkStoreKey(id, 'template id');
      return ((await client.query('DELETE FROM templates WHERE id = $1', [keyText(id)])).rowCount ?? 0) > 0;
    });
  }

  async addFoundationVersion(version: FoundationVersion, opts?: StoreCallOptions): Promise<void> {
    await this.#write('addFoundationVersion', opts, async (client) => {
      const data = storedJson(version, 'foundation version');
      await client.query('INSERT INTO foundation_versions (path, at_ms, data) VALUES ($1, $2, $3)', [
        keyText(String(version.path)),
        instantOrNull(version.at),
        data,
      ]);
    });
  }

  async listFoundationVersions(opts?: StoreCallOptions & { path?: string }): Promise<FoundationVersion[]> {
    const rows =
      opts?.path === undefined
        ? await this.#query(
            'listFoundationVersions',
            opts,
            'SELECT data FROM foundation_versions ORDER BY at_ms, n',
            [],
          )
        : await this.#query(
            'listFoundationVersions',
            opts,
            'SELECT data FROM foundation_versions WHERE path = $1 ORDER BY at_ms, n',
            () => [keyText(String(opts.path))],
          );
    return rows.map((r) => parse<FoundationVersion>(r.data));
  }

  /** Analytics in SQL, in one read-only REPEATABLE READ transaction (every part sees one snapshot). */
  async analytics(query: AnalyticsQuery = {}, opts?: StoreCallOptions): Promise<AnalyticsReport> {
    return this.#withClient('analytics', opts, async (client) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        return await sqlAnalytics(client, query);
      } finally {
        await client.query('COMMIT').catch(() => {});
      }
    });
  }

  /** Waits for calls in flight, then closes every pooled connection. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inflight]);
    await this.#pool.end();
  }
}

/**
 * Opens a {@link PostgresStore}: connects, creates or migrates its schema, and refuses a schema
 * newer than this package with `store.schema_too_new`. A server that cannot be reached is
 * `store.unavailable` naming host, port, database and the cause.
 *
 * @example const store = await openPostgresStore({ connectionString: process.env.DATABASE_URL });
 */
export async function openPostgresStore(options: PostgresStoreOptions | string = {}): Promise<PostgresStore> {
  const store = new PostgresStore(typeof options === 'string' ? { connectionString: options } : options);
  try {
    await store.init();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}
