import { StoreError } from '@sessionhub/core';
import lockfile from 'proper-lockfile';
import { storeIoError } from './io-errors.js';
import type { FsLockOptions, StoreFs } from './options.js';

const DEFAULT_STALE_MS = 10_000;
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Mutual exclusion on a path, within this process (a promise queue, so callers never spin on
 * the file system) and across processes (`proper-lockfile`: an atomic `mkdir` of a lock
 * directory whose mtime the holder refreshes; a lock left by a crashed process becomes stale
 * after `staleMs` and is taken over).
 */
export class PathLocks {
  readonly #queues = new Map<string, Promise<unknown>>();
  /** A plain, extensible object: `proper-lockfile` caches the mtime precision on it. */
  readonly #fs: lockfile.LockOptions['fs'];
  readonly #staleMs: number;
  readonly #timeoutMs: number;

  constructor(fs: StoreFs, options: FsLockOptions = {}) {
    this.#fs = {
      mkdir: fs.mkdir.bind(fs),
      rmdir: fs.rmdir.bind(fs),
      stat: fs.stat.bind(fs),
      lstat: fs.lstat.bind(fs),
      utimes: fs.utimes.bind(fs),
      realpath: fs.realpath.bind(fs),
      rmdirSync: fs.rmdirSync.bind(fs),
    };
    this.#staleMs = Math.max(2000, options.staleMs ?? DEFAULT_STALE_MS);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Runs `fn` holding the lock directory `lockPath` (its parent must exist). A missing parent
   * rejects with the `ENOENT` error, so callers can map it to `store.not_found`.
   */
  async withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(lockPath) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.#holding(lockPath, fn));
    const settled = run.catch(() => undefined);
    this.#queues.set(lockPath, settled);
    void settled.then(() => {
      if (this.#queues.get(lockPath) === settled) this.#queues.delete(lockPath);
    });
    return run;
  }

  /**
   * Runs `fn` only if the lock is free right now (in this process and across processes);
   * returns `undefined` without running it otherwise.
   */
  async tryWithLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.#queues.has(lockPath)) return undefined;
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(lockPath, { ...this.#lockOptions(lockPath), retries: 0 });
    } catch {
      return undefined;
    }
    try {
      return await fn();
    } finally {
      await release().catch(() => undefined);
    }
  }

  #lockOptions(lockPath: string): lockfile.LockOptions {
    return {
      lockfilePath: lockPath,
      realpath: false,
      stale: this.#staleMs,
      fs: this.#fs,
    };
  }

  async #holding<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
    let compromised: Error | undefined;
    const deadline = Date.now() + this.#timeoutMs;
    let release: (() => Promise<void>) | undefined;
    let delay = 1;
    while (!release) {
      try {
        release = await lockfile.lock(lockPath, {
          ...this.#lockOptions(lockPath),
          onCompromised: (error) => {
            compromised = error;
          },
        });
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'ELOCKED') throw error;
        if (Date.now() > deadline) {
          throw new StoreError('store.unavailable', `lock ${lockPath} stayed busy for ${this.#timeoutMs} ms`, {
            cause: error,
          });
        }
        // Short, growing, jittered waits: another process holds it for one append.
        await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
        delay = Math.min(delay * 2, 50);
      }
    }
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      await release().catch(() => undefined);
      throw error;
    }
    let releaseError: unknown;
    await release().catch((error: unknown) => {
      releaseError = error;
    });
    if (compromised) {
      // The lock was taken over while held (we stalled past staleMs): say so rather than hide it.
      throw new StoreError('store.unavailable', `lock ${lockPath} was lost while held: ${compromised.message}`, {
        cause: compromised,
      });
    }
    if (releaseError) throw storeIoError(releaseError, `release lock ${lockPath}`);
    return result;
  }
}
