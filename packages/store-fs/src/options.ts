import type * as nodeFs from 'node:fs';

/**
 * The parts of `node:fs` the store uses (its promise API). Pass `memfs`'s `fs` in unit tests; the
 * default is `node:fs`.
 */
export type StoreFs = {
  promises: Pick<
    typeof nodeFs.promises,
    | 'mkdir'
    | 'readFile'
    | 'open'
    | 'rename'
    | 'readdir'
    | 'stat'
    | 'rm'
    | 'unlink'
    | 'access'
    | 'link'
    | 'utimes'
    | 'rmdir'
  >;
  /**
   * Optional (`node:fs` and memfs have it): when present, `analytics` first asks it whether each
   * session's event log exists and opens only those that do. A synchronous `stat` of a missing file
   * costs a fraction of a failed asynchronous `open`, and most sessions of a large library have no log.
   */
  statSync?: (path: string) => unknown;
};

/** Cross-process lock tuning. */
export interface FsLockOptions {
  /**
   * A lock whose holder cannot be looked up (another machine or pid namespace, or an earlier
   * release's empty owner file) and has not refreshed it for this long is stale and may be taken
   * over. On one machine the holder's process is looked up instead: taken at once once it has
   * exited, never while it runs. Default 10,000 ms; at least 2,000.
   */
  staleMs?: number;
  /** How long a caller waits for a busy lock before `store.unavailable`. Default 60,000 ms. */
  timeoutMs?: number;
}

/** Options of {@link openFsStore}. */
export interface FsStoreOptions {
  /** The store's directory. */
  dir: string;
  /** Create `dir` (and missing parents) when it does not exist. Default `true`; `false` makes a missing directory `store.unavailable`. */
  createDirectory?: boolean;
  /** Open for reading only: every write fails with `store.read_only`. */
  readonly?: boolean;
  /** The file system; default `node:fs`. For unit tests on `memfs`. */
  fs?: StoreFs;
  /** Cross-process lock options. */
  lock?: FsLockOptions;
  /** Clock for event `at` times; default `() => new Date()`. */
  now?: () => Date;
}
