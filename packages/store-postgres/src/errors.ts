import { StoreError } from '@sessionhub/core';

/** Where the store is, for messages: host, port and database, never a password. */
export interface PgLocation {
  host: string;
  port: number;
  database: string;
  schema: string;
}

export function describeLocation(where: PgLocation): string {
  return `PostgreSQL at ${where.host}:${where.port}/${where.database} (schema ${where.schema})`;
}

/** Node socket error codes that mean the server cannot be reached. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOENT',
]);

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(messageOf).join('; ');
  return err instanceof Error ? err.message || err.name : String(err);
}

/** Whether an error means the connection or server is gone (a retry on a new connection may succeed). */
export function isConnectionError(err: unknown): boolean {
  const code = errorCode(err);
  if (code === undefined) {
    const message = messageOf(err);
    return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(
      message,
    );
  }
  return UNREACHABLE.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
}

/**
 * Turns a driver error into a typed `StoreError` naming the server and the operation. Errors that
 * are neither PostgreSQL nor connection errors (bugs, aborts, our own `StoreError`s) pass unchanged.
 */
export function toStoreError(err: unknown, where: PgLocation, operation: string): unknown {
  if (err instanceof StoreError) return err;
  const code = errorCode(err);
  const detail = messageOf(err);
  const at = `${operation} on ${describeLocation(where)}`;
  if (isConnectionError(err)) {
    return new StoreError(
      'store.unavailable',
      `${at}: the server cannot be reached (${code ?? 'connection'}: ${detail})`,
      {
        cause: err,
      },
    );
  }
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) return err;
  switch (code) {
    case '23505':
      return new StoreError('store.conflict', `${at}: ${detail}`, { cause: err });
    case '57014':
      return new StoreError('store.unavailable', `${at}: the statement timed out or was cancelled (${detail})`, {
        cause: err,
      });
    case '55P03':
      return new StoreError(
        'store.unavailable',
        `${at}: a lock held by another connection outlasted lock_timeout (${detail})`,
        {
          cause: err,
        },
      );
    case '40001':
    case '40P01':
      return new StoreError('store.unavailable', `${at}: the transaction lost a concurrency race (${detail})`, {
        cause: err,
      });
    case '25006':
      return new StoreError('store.read_only', `${at}: the server accepts only reads (${detail})`, { cause: err });
    case '53100':
      return new StoreError('store.unavailable', `${at}: the server's disk is full (${detail})`, { cause: err });
    case '53300':
      return new StoreError('store.unavailable', `${at}: the server has no free connection slot (${detail})`, {
        cause: err,
      });
    case '28000':
    case '28P01':
      return new StoreError('store.unavailable', `${at}: authentication failed (${detail})`, { cause: err });
    case '3D000':
      return new StoreError('store.unavailable', `${at}: the database does not exist (${detail})`, { cause: err });
    case '42501':
      return new StoreError('store.read_only', `${at}: permission denied (${detail})`, { cause: err });
    default:
      return new StoreError('store.unavailable', `${at}: PostgreSQL error ${code} (${detail})`, { cause: err });
  }
}
