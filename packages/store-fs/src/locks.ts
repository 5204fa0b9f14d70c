import type { Stats } from 'node:fs';
import { StoreError } from '@sessionhub/core';
import { errnoOf, isMissing } from './io-errors.js';
import type { FsLockOptions, StoreFs } from './options.js';
import { OwnerFile, type OwnerIdentity } from './owner-file.js';
import { type HolderLiveness, livenessOf, parseIdentity } from './process-identity.js';

const DEFAULT_STALE_MS = 10_000;
const DEFAULT_TIMEOUT_MS = 60_000;
/** Below this, a busy machine's timer and I/O delays could make a live holder look stale. */
const MIN_STALE_MS = 2000;

/** An owner file is a few hundred bytes; anything larger is not one this package wrote. */
const MAX_OWNER_BYTES = 4096;

/** What a caller holding a lock can ask of it. */
export interface HeldLock {
  /**
   * Throws `store.unavailable` if the lock may have been taken over: its name is gone or links to
   * another process's owner file, or it was not refreshed for `staleMs` (this process stalled).
   * Call it right before a write that must not race another holder.
   */
  verify(): Promise<void>;
  /**
   * Whether `staleMs / 2` has passed since the lock was taken: from then on another process may
   * have judged it stale. Before that, checks that the lock is still held can be skipped.
   */
  mayBeLost(): boolean;
}

let asideCounter = 0;

/**
 * Mutual exclusion on a path, within this process (a promise queue, so callers never spin on
 * the file system) and across processes: the lock is held by whoever hard-links its owner file
 * ({@link OwnerFile}) under the lock's name (`link` fails with `EEXIST` while another holds it)
 * and released by unlinking that name. The owner file names its process: on the same machine and
 * pid namespace, a lock whose holder has exited is taken over at once, and a running holder's lock
 * never is (a process stopped or paused mid-write would otherwise wake and write under another's
 * lock). A holder that cannot be looked up (another machine or container, an older build) is
 * judged by the lock's mtime, refreshed while held: not refreshed for `staleMs`, it is taken over.
 * Taking a lock and releasing it add and remove a directory entry, never an inode.
 */
export class PathLocks {
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #fs: StoreFs;
  readonly #owner: OwnerFile;
  readonly #staleMs: number;
  readonly #timeoutMs: number;

  /** `ownersDir` holds the owner files; it must be on the file system of every lock path. */
  constructor(fs: StoreFs, ownersDir: string, options: FsLockOptions = {}) {
    this.#fs = fs;
    this.#staleMs = Math.max(MIN_STALE_MS, options.staleMs ?? DEFAULT_STALE_MS);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#owner = new OwnerFile(fs, ownersDir, this.#staleMs);
  }

  /**
   * Runs `fn` holding the lock `lockPath` (its parent must exist). A missing parent rejects with
   * the `ENOENT` error, so callers can map it to `store.not_found`.
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
   * Runs `fn` only if the lock is free right now (in this process and across processes; a stale
   * lock counts as free); returns `undefined` without running it otherwise.
   */
  async tryWithLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.#queues.has(lockPath)) return undefined;
    const run = this.#tryHolding(lockPath, fn);
    const settled = run.catch(() => undefined);
    this.#queues.set(lockPath, settled);
    void settled.then(() => {
      if (this.#queues.get(lockPath) === settled) this.#queues.delete(lockPath);
    });
    return run;
  }

  async #tryHolding<T>(lockPath: string, fn: () => Promise<T>): Promise<T | undefined> {
    const acquiredAt = Date.now();
    let owner: OwnerIdentity | undefined;
    try {
      owner = await this.#tryAcquire(lockPath);
    } catch {
      return undefined;
    }
    if (!owner) return undefined;
    try {
      return await fn();
    } finally {
      await this.#release(lockPath, owner, acquiredAt);
    }
  }

  /** Removes this instance's owner file once it holds no lock (a later lock makes a new one). */
  async close(): Promise<void> {
    await this.#owner.remove();
  }

  /**
   * One attempt: links the owner file under `lockPath` and returns the owner it linked, or
   * `undefined` while a live holder has it. A lock whose holder has exited, or a stale one, is
   * moved aside first.
   */
  async #tryAcquire(lockPath: string): Promise<OwnerIdentity | undefined> {
    for (;;) {
      const owner = await this.#owner.fresh();
      try {
        await this.#fs.promises.link(owner.path, lockPath);
        this.#owner.hold();
        return owner;
      } catch (error) {
        if (isMissing(error) && (await this.#owner.recreateIfMissing(owner))) continue;
        if (errnoOf(error) !== 'EEXIST') throw error;
      }
      const holder = await this.#inspect(lockPath, owner.ino);
      if (!holder) continue; // released in between
      const { stat, liveness } = holder;
      if (stat.ino === owner.ino && stat.isFile()) {
        // This instance's own link (its queue lets one caller at a time at a path) is only ever
        // left by a release that failed: nobody holds it.
        await this.#fs.promises.unlink(lockPath).catch((error: unknown) => {
          if (!isMissing(error)) throw error;
        });
        continue;
      }
      if (liveness === 'alive') return undefined;
      if (liveness === 'unknown' && Date.now() - stat.mtimeMs <= this.#staleMs) return undefined;
      await this.#moveAside(lockPath, stat);
    }
  }

  /**
   * The lock's status and whether its holder runs, read through one handle so that both describe
   * the same owner file; `undefined` once the lock is released. This instance's own link is not read.
   */
  async #inspect(lockPath: string, ownIno: number): Promise<{ stat: Stats; liveness: HolderLiveness } | undefined> {
    const fsp = this.#fs.promises;
    let handle: Awaited<ReturnType<StoreFs['promises']['open']>>;
    try {
      handle = await fsp.open(lockPath, 'r');
    } catch (error) {
      if (isMissing(error)) return undefined;
      if (errnoOf(error) !== 'EISDIR') throw error;
      // A lock directory of an older build (`proper-lockfile`): judged by its mtime.
      const stat = await fsp.stat(lockPath).catch((e: unknown) => {
        if (isMissing(e)) return undefined;
        throw e;
      });
      return stat && { stat, liveness: 'unknown' };
    }
    try {
      const stat = await handle.stat();
      if (stat.ino === ownIno || !stat.isFile() || stat.size === 0 || stat.size > MAX_OWNER_BYTES) {
        return { stat, liveness: 'unknown' };
      }
      const bytes = Buffer.alloc(stat.size);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
      return { stat, liveness: livenessOf(parseIdentity(bytes.toString('utf8', 0, bytesRead))) };
    } finally {
      await handle.close();
    }
  }

  /**
   * Takes a stale lock's name away: renames it to a unique name (only one contender's rename
   * succeeds), then removes it. If what was renamed is not the lock judged stale (another
   * contender took it over in between and now holds it), it is linked back first.
   */
  async #moveAside(lockPath: string, judged: { ino: number; mtimeMs: number }): Promise<void> {
    const fsp = this.#fs.promises;
    const aside = `${lockPath}.stale-${process.pid}-${++asideCounter}`;
    try {
      await fsp.rename(lockPath, aside);
    } catch (error) {
      if (isMissing(error)) return; // another contender moved it first
      throw error;
    }
    const moved = await fsp.stat(aside);
    const judgedStale = moved.ino === judged.ino && moved.mtimeMs === judged.mtimeMs;
    if (moved.isDirectory()) {
      // A lock directory of an older build of this package (`proper-lockfile`).
      if (judgedStale) await fsp.rmdir(aside).catch(() => undefined);
      else await fsp.rename(aside, lockPath).catch(() => undefined);
      return;
    }
    if (!judgedStale) await fsp.link(aside, lockPath).catch(() => undefined);
    await fsp.unlink(aside);
  }

  /** Why the lock at `lockPath` may no longer be this owner's, or `undefined` while it is. */
  async #lost(lockPath: string, owner: OwnerIdentity): Promise<string | undefined> {
    let stat: Awaited<ReturnType<StoreFs['promises']['stat']>>;
    try {
      stat = await this.#fs.promises.stat(lockPath);
    } catch {
      return 'its lock file is gone';
    }
    if (stat.ino !== owner.ino) return 'another process holds it now';
    // The holder refreshes the mtime every staleMs / 4; older than staleMs means this process
    // stood still long enough for another to call the lock stale.
    const age = Date.now() - stat.mtimeMs;
    return age > this.#staleMs ? `not refreshed for ${Math.round(age)} ms` : undefined;
  }

  /** Unlinks the lock's name if it is still this owner's; failures leave a lock others take over once stale. */
  async #release(lockPath: string, owner: OwnerIdentity, acquiredAt: number): Promise<void> {
    this.#owner.unhold();
    try {
      // Within staleMs / 2 of taking it, nobody can have taken it over: no need to look.
      if (Date.now() - acquiredAt >= this.#staleMs / 2 && (await this.#lost(lockPath, owner))) return;
      await this.#fs.promises.unlink(lockPath);
    } catch {
      // See above.
    }
  }

  async #holding<T>(lockPath: string, fn: (held: HeldLock) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#timeoutMs;
    let delay = 1;
    let owner: OwnerIdentity | undefined;
    // Taken before each attempt: the owner file was touched after it, so the lock is never older.
    let acquiredAt = Date.now();
    for (;;) {
      acquiredAt = Date.now();
      owner = await this.#tryAcquire(lockPath);
      if (owner) break;
      if (Date.now() > deadline) {
        throw new StoreError('store.unavailable', `lock ${lockPath} stayed busy for ${this.#timeoutMs} ms`);
      }
      // Short, growing, jittered waits: another process holds it for one append.
      await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 2, 50);
    }
    const held: HeldLock = {
      mayBeLost: () => Date.now() - acquiredAt >= this.#staleMs / 2,
      verify: async () => {
        // Within staleMs / 2 of taking it, nobody can have judged the lock stale: no need to look.
        if (!held.mayBeLost()) return;
        const lost = await this.#lost(lockPath, owner);
        if (lost) {
          throw new StoreError(
            'store.unavailable',
            `lock ${lockPath} is no longer held by this process (${lost}): it stalled past staleMs (${this.#staleMs} ms) and another process may have taken over; nothing was written`,
          );
        }
      },
    };
    try {
      // `fn` succeeded and its writes were made after `held.verify()`: they stand, even if the
      // release fails (the lock was taken over since, or the file system turned read-only).
      return await fn(held);
    } finally {
      await this.#release(lockPath, owner, acquiredAt);
    }
  }
}
