import { StoreError } from '@sessionhub/core';
import lockfile from 'proper-lockfile';
import type { FsLockOptions, StoreFs } from './options.js';

const DEFAULT_STALE_MS = 10_000;

/** What a caller holding a lock can ask of it. */
export interface HeldLock {
  /**
   * Throws `store.unavailable` if the lock may have been taken over: `proper-lockfile` saw it
   * compromised, its directory is gone, or it was not refreshed for `staleMs` (this process
   * stalled). Call it right before a write that must not race another holder.
   */
  verify(): Promise<void>;
}
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
  readonly #storeFs: StoreFs;
  readonly #staleMs: number;
  readonly #timeoutMs: number;

  constructor(fs: StoreFs, options: FsLockOptions = {}) {
    this.#storeFs = fs;
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
  async withLock<T>(lockPath: string, fn: (held: HeldLock) => Promise<T>): Promise<T> {
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

  /** Why a lock this process acquired may no longer be its own, or `undefined` while it is. */
  async #staleness(lockPath: string): Promise<string | undefined> {
    let mtimeMs: number;
    try {
      mtimeMs = (await this.#storeFs.promises.stat(lockPath)).mtimeMs;
    } catch {
      return 'its lock directory is gone';
    }
    // The holder refreshes the mtime every staleMs / 2; older than staleMs means this process
    // stood still long enough for another to call the lock stale.
    const age = Date.now() - mtimeMs;
    return age > this.#staleMs ? `not refreshed for ${Math.round(age)} ms` : undefined;
  }

  #lockOptions(lockPath: string): lockfile.LockOptions {
    return {
      lockfilePath: lockPath,
      realpath: false,
      stale: this.#staleMs,
      fs: this.#fs,
    };
  }

  async #holding<T>(lockPath: string, fn: (held: HeldLock) => Promise<T>): Promise<T> {
    let compromised: Error | undefined;
    const deadline = Date.now() + this.#timeoutMs;
    let release: (() => Promise<void>) | undefined;
    let delay = 1;
    // Taken before each attempt: the lock's mtime (set by the mkdir that wins) is never older.
    let attemptedAt = Date.now();
    while (!release) {
      attemptedAt = Date.now();
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
    const held: HeldLock = {
      verify: async () => {
        // Within staleMs / 2 of taking it, nobody can have judged the lock stale: no need to look.
        if (!compromised && Date.now() - attemptedAt < this.#staleMs / 2) return;
        const lost = compromised ?? (await this.#staleness(lockPath));
        if (lost) {
          throw new StoreError(
            'store.unavailable',
            `lock ${lockPath} is no longer held by this process (${lost instanceof Error ? lost.message : lost}): it stalled past staleMs (${this.#staleMs} ms) and another process may have taken over; nothing was written`,
            { cause: lost instanceof Error ? lost : undefined },
          );
        }
      },
    };
    let result: T;
    try {
      result = await fn(held);
    } catch (error) {
      await release().catch(() => undefined);
      throw error;
    }
    // `fn` succeeded and its writes were made after `held.verify()`: they stand. A release that
    // fails (the lock was taken over since, or the file system turned read-only) leaves at worst
    // a lock directory that others take over once stale; reporting the write as failed would be false.
    await release().catch(() => undefined);
    return result;
  }
}
