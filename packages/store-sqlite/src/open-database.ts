import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
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

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Checks the location before SQLite sees it, so each bad location gets its own clear error. */
function checkLocation(opts: OpenDatabaseOptions): void {
  const file = resolve(opts.path);
  const dir = dirname(file);
  if (!existsSync(dir)) {
    if (opts.createDirectory && !opts.readonly) mkdirSync(dir, { recursive: true });
    else {
      throw new StoreError(
        'store.unavailable',
        `cannot open SQLite store ${file}: directory ${dir} does not exist (create it, or pass createDirectory: true)`,
      );
    }
  }
  const exists = existsSync(file);
  if (exists && statSync(file).isDirectory()) {
    throw new StoreError('store.unavailable', `cannot open SQLite store ${file}: it is a directory, not a file`);
  }
  if (opts.readonly) {
    if (!exists) {
      throw new StoreError('store.unavailable', `cannot open SQLite store ${file} read-only: the file does not exist`);
    }
    return;
  }
  if (exists && !writable(file)) {
    throw new StoreError(
      'store.read_only',
      `cannot open SQLite store ${file} for writing: the file is read-only (pass readonly: true to read it)`,
    );
  }
  // SQLite writes the -wal and -shm files (and a new database) next to the database.
  if (!writable(dir)) {
    throw new StoreError(
      'store.read_only',
      `cannot open SQLite store ${file} for writing: directory ${dir} is read-only (pass readonly: true to read an existing store)`,
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
