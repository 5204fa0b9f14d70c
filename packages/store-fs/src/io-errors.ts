import { StoreError } from '@sessionhub/core';

/** The `code` of a Node file-system error, if any. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a file-system error says the path does not exist. */
export function isMissing(error: unknown): boolean {
  return errnoOf(error) === 'ENOENT';
}

/**
 * A file-system failure as a typed `StoreError`: permission and read-only file-system errors
 * become `store.read_only`; everything else `store.unavailable`. `StoreError`s pass through.
 */
export function storeIoError(error: unknown, what: string): StoreError {
  if (error instanceof StoreError) return error;
  const errno = errnoOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (errno === 'ENOSPC' || errno === 'EDQUOT') {
    return new StoreError('store.unavailable', `cannot ${what}: the disk is full (${detail}); nothing was written`, {
      cause: error,
    });
  }
  if (errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS') {
    return new StoreError('store.read_only', `cannot ${what}: the location is not writable (${detail})`, {
      cause: error,
    });
  }
  return new StoreError('store.unavailable', `cannot ${what}: ${detail}`, { cause: error });
}

/** A `store.corrupt` error naming the file. */
export function corruptFile(path: string, problem: string, cause?: unknown): StoreError {
  return new StoreError('store.corrupt', `${path} is corrupt: ${problem}`, { cause });
}
