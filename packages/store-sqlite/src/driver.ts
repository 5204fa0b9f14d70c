import { createRequire } from 'node:module';
import { StoreError } from '@sessionhub/core';

/** A value SQLite accepts as a bound parameter. */
export type SqlValue = string | number | bigint | null | Uint8Array;
/** One result row. */
export type SqlRow = Record<string, unknown>;

/** A prepared statement, the part both drivers share. */
export interface SqlStatement {
  /** Runs the statement: the rows it changed, and the rowid of the last row inserted on the connection. */
  run(...params: SqlValue[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: SqlValue[]): SqlRow | undefined;
  all(...params: SqlValue[]): SqlRow[];
}

/** The minimal synchronous SQLite connection the store is written against. */
export interface SqlConnection {
  /** Which driver this is: `better-sqlite3` or `node:sqlite`. */
  readonly driver: SqliteDriverName;
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  close(): void;
}

/** The SQLite drivers the store can run on. */
export type SqliteDriverName = 'better-sqlite3' | 'node:sqlite';

/** How to open a connection. */
export interface ConnectionOptions {
  path: string;
  readonly: boolean;
  busyTimeoutMs: number;
}

const require = createRequire(import.meta.url);

/** Opens a connection with the chosen driver. Driver modules load lazily so only the used one is required. */
export function openConnection(driver: SqliteDriverName, opts: ConnectionOptions): SqlConnection {
  return driver === 'node:sqlite' ? openNodeSqlite(opts) : openBetterSqlite(opts);
}

interface BetterStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface BetterDatabase {
  exec(sql: string): void;
  prepare(sql: string): BetterStatement;
  close(): void;
}
type BetterCtor = new (
  path: string,
  opts: { readonly: boolean; fileMustExist: boolean; timeout: number },
) => BetterDatabase;

function openBetterSqlite(opts: ConnectionOptions): SqlConnection {
  let Database: BetterCtor;
  try {
    Database = require('better-sqlite3') as BetterCtor;
  } catch (err) {
    throw new StoreError(
      'store.unavailable',
      `the better-sqlite3 driver is not available (${err instanceof Error ? err.message.split('\n')[0] : String(err)}): install better-sqlite3, or use driver 'node:sqlite'`,
      { cause: err },
    );
  }
  const db = new Database(opts.path, {
    readonly: opts.readonly,
    fileMustExist: opts.readonly,
    timeout: opts.busyTimeoutMs,
  });
  return {
    driver: 'better-sqlite3',
    exec: (sql) => db.exec(sql),
    prepare: (sql) => {
      const st = db.prepare(sql);
      return {
        run: (...p) => st.run(...p),
        get: (...p) => st.get(...p) as SqlRow | undefined,
        all: (...p) => st.all(...p) as SqlRow[],
      };
    },
    close: () => db.close(),
  };
}

interface NodeStatement {
  run(...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
}
interface NodeDatabase {
  exec(sql: string): void;
  prepare(sql: string): NodeStatement;
  close(): void;
}
/** `node:sqlite`'s `DatabaseSync` constructor, as the store uses it. */
export type NodeCtor = new (path: string, opts: { readOnly: boolean; timeout: number }) => NodeDatabase;

/**
 * Loads `node:sqlite` (through `load`, Node's `require` by default), or throws `store.unavailable`
 * saying which Node it needs: it is built in, unflagged, from Node 22.13 on.
 */
export function loadNodeSqlite(load: (id: string) => unknown = require): NodeCtor {
  try {
    return (load('node:sqlite') as { DatabaseSync: NodeCtor }).DatabaseSync;
  } catch (err) {
    throw new StoreError(
      'store.unavailable',
      `the default SQLite driver requires Node ≥ 22.13 (node:sqlite); this is Node ${process.versions.node}: upgrade Node, or install better-sqlite3 and pass driver: 'better-sqlite3'`,
      { cause: err },
    );
  }
}

function openNodeSqlite(opts: ConnectionOptions): SqlConnection {
  const DatabaseSync = loadNodeSqlite();
  const db = new DatabaseSync(opts.path, { readOnly: opts.readonly, timeout: opts.busyTimeoutMs });
  return {
    driver: 'node:sqlite',
    exec: (sql) => db.exec(sql),
    prepare: (sql) => {
      const st = db.prepare(sql);
      return {
        run: (...p) => {
          const result = st.run(...p);
          return { changes: Number(result.changes), lastInsertRowid: result.lastInsertRowid };
        },
        get: (...p) => st.get(...p) as SqlRow | undefined,
        all: (...p) => st.all(...p) as SqlRow[],
      };
    },
    close: () => db.close(),
  };
}
