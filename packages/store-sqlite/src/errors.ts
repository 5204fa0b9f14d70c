import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreError } from '@sessionhub/core';

/**
 * Which part of a database's location this process cannot write, and why (`s.db-wal: EACCES`),
 * or `undefined` when every part is writable. SQLite writes the file, its `-wal` and `-shm`
 * companions and (to create them) the directory.
 */
export function unwritablePart(path: string): string | undefined {
  if (path === ':memory:') return undefined;
  const file = resolve(path);
  for (const part of [file, `${file}-wal`, `${file}-shm`, dirname(file)]) {
    if (part !== dirname(file) && !existsSync(part)) continue;
    try {
      accessSync(part, constants.W_OK);
    } catch (error) {
      return `${part} is not writable (${String((error as { code?: unknown }).code ?? 'error')})`;
    }
  }
  return undefined;
}

/** SQLite primary result codes this store maps to `StoreError` codes. */
const PRIMARY_BY_NAME: Record<string, number> = {
  SQLITE_BUSY: 5,
  SQLITE_LOCKED: 6,
  SQLITE_READONLY: 8,
  SQLITE_IOERR: 10,
  SQLITE_CORRUPT: 11,
  SQLITE_FULL: 13,
  SQLITE_CANTOPEN: 14,
  SQLITE_NOTADB: 26,
};

/** The primary SQLite result code of a driver error, or `undefined` for non-SQLite errors. */
export function sqliteCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; errcode?: unknown };
  // node:sqlite: { code: 'ERR_SQLITE_ERROR', errcode: <extended code> }
  if (typeof e.errcode === 'number') return e.errcode & 0xff;
  // better-sqlite3: { code: 'SQLITE_READONLY_DBMOVED' } (extended names start with the primary one)
  if (typeof e.code === 'string' && e.code.startsWith('SQLITE_')) {
    const primary = e.code.split('_').slice(0, 2).join('_');
    return PRIMARY_BY_NAME[primary] ?? -1;
  }
  return undefined;
}

/**
 * Turns a driver error into a typed `StoreError` with a message naming the file and the operation.
 * Errors that are not SQLite errors (bugs, aborts, our own `StoreError`s) pass through unchanged.
 */
export function toStoreError(err: unknown, path: string, operation: string): unknown {
  if (err instanceof StoreError) return err;
  const code = sqliteCode(err);
  if (code === undefined) return err;
  const detail = err instanceof Error ? err.message : String(err);
  const where = `${operation} on ${path}`;
  switch (code) {
    case 26:
      return new StoreError('store.corrupt', `${where}: not a SQLite database (${detail})`, { cause: err });
    case 11:
      return new StoreError('store.corrupt', `${where}: database is corrupt (${detail})`, { cause: err });
    case 8: {
      const part = unwritablePart(path);
      return new StoreError(
        'store.read_only',
        `${where}: the database cannot be written (${part ?? detail}; pass readonly: true to read it)`,
        { cause: err },
      );
    }
    case 5:
    case 6:
      return new StoreError('store.unavailable', `${where}: database is locked by another connection (${detail})`, {
        cause: err,
      });
    case 13:
      return new StoreError('store.unavailable', `${where}: disk is full (${detail})`, { cause: err });
    case 14: {
      // "unable to open database file" is most often a location this process may not write.
      const part = unwritablePart(path);
      if (part) {
        return new StoreError('store.read_only', `${where}: ${part} (pass readonly: true to read an existing store)`, {
          cause: err,
        });
      }
      return new StoreError('store.unavailable', `${where}: cannot open the database file (${detail})`, {
        cause: err,
      });
    }
    default:
      return new StoreError('store.unavailable', `${where}: SQLite error (${detail})`, { cause: err });
  }
}
