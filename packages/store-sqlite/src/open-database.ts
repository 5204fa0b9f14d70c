import { accessSync, constants, mkdirSync, type Stats, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreError } from '@sessionhub/core';
import { openConnection, type SqlConnection, type SqliteDriverName } from './driver.js';
import { toStoreError } from './errors.js';
import { migrate } from './migrate.js';

/** How {@link openDatabase} opens and prepares a database file. */
export interface OpenDatabaseOptions {
  path: string;
  driver: SqliteDriverName;
  readonly: boolean;
  busyTimeoutMs: number;
  synchronous: 'normal' | 'full';
  createDirectory: boolean;
  cacheSizeMiB: number;
  mmapSizeMiB: number;
}

/** Why `path` cannot be written (its errno), or `undefined` when it can. */
function notWritable(path: string): string | undefined {
  try {
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (error) {
    return errnoOf(error) ?? 'not writable';
  }
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const PERMISSION = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * A file-system failure while checking or preparing the location: a permission or read-only
 * file-system error is `store.read_only` with the reason, anything else `store.unavailable`.
 */
function locationError(error: unknown, what: string): StoreError {
  const errno = errnoOf(error) ?? 'error';
  const detail = error instanceof Error ? error.message : String(error);
  const code = PERMISSION.has(errno) ? 'store.read_only' : 'store.unavailable';
  const reason = PERMISSION.has(errno) ? `the location is not writable (${errno})` : `${errno}: ${detail}`;
  return new StoreError(code, `cannot ${what}: ${reason}`, { cause: error });
}

/** The stats of `path`, `undefined` when it does not exist; other failures (no permission) throw. */
function statOrMissing(path: string, what: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw locationError(error, what);
  }
}

/** Checks the location before SQLite sees it, so each bad location gets its own clear error. */
function checkLocation(opts: OpenDatabaseOptions): void {
  const file = resolve(opts.path);
  const dir = dirname(file);
  if (!statOrMissing(dir, `open SQLite store ${file}: reach directory ${dir}`)) {
    if (!opts.createDirectory || opts.readonly) {
      throw new StoreError(
        'store.unavailable',
        `cannot open SQLite store ${file}: directory ${dir} does not exist (create it, or pass createDirectory: true)`,
      );
    }
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw locationError(error, `open SQLite store ${file}: create directory ${dir}`);
    }
  }
  const stat = statOrMissing(file, `open SQLite store ${file}`);
  const exists = stat !== undefined;
  if (stat?.isDirectory()) {
    throw new StoreError('store.unavailable', `cannot open SQLite store ${file}: it is a directory, not a file`);
  }
  if (opts.readonly) {
    if (!exists) {
      throw new StoreError('store.unavailable', `cannot open SQLite store ${file} read-only: the file does not exist`);
    }
    return;
  }
  const fileProblem = exists ? notWritable(file) : undefined;
  if (fileProblem) {
    throw new StoreError(
      'store.read_only',
      `cannot open SQLite store ${file} for writing: the file is read-only (${fileProblem}; pass readonly: true to read it)`,
    );
  }
  // SQLite writes the -wal and -shm files (and a new database) next to the database.
  const dirProblem = notWritable(dir);
  if (dirProblem) {
    throw new StoreError(
      'store.read_only',
      `cannot open SQLite store ${file} for writing: directory ${dir} is read-only (${dirProblem}; pass readonly: true to read an existing store)`,
    );
  }
}

/**
 * Opens the database file, sets WAL, the busy timeout and the sync level, and brings the schema
 * up to date. Every failure is a `StoreError`: `store.unavailable` (missing directory or file,
 * cannot open), `store.read_only`, `store.corrupt` (not a SQLite file, or not a SessionHub
 * database) or `store.schema_too_new`.
 */
export function openDatabase(opts: OpenDatabaseOptions): SqlConnection {
  const inMemory = opts.path === ':memory:';
  if (!inMemory) checkLocation(opts);
  let db: SqlConnection | undefined;
  try {
    db = openConnection(opts.driver, { path: opts.path, readonly: opts.readonly, busyTimeoutMs: opts.busyTimeoutMs });
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs))}`);
    if (!opts.readonly) {
      // Reads the header first: a file that is not a database fails here with SQLITE_NOTADB.
      db.exec('PRAGMA journal_mode = WAL');
      db.exec(`PRAGMA synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    } else {
      db.exec('PRAGMA query_only = ON');
    }
    db.exec('PRAGMA foreign_keys = ON');
    // A page cache big enough for the narrow session rows and the FTS index of a large library.
    db.exec(`PRAGMA cache_size = ${-Math.max(1, Math.trunc(opts.cacheSizeMiB * 1024))}`);
    db.exec(`PRAGMA mmap_size = ${Math.max(0, Math.trunc(opts.mmapSizeMiB * 1024 * 1024))}`);
    migrate(db, { path: opts.path, readonly: opts.readonly });
    return db;
  } catch (err) {
    try {
      db?.close();
    } catch {
      // Already failing: the original error is the one to report.
    }
    throw toStoreError(err, opts.path, 'open');
  }
}
