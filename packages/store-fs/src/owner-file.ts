import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isMissing } from './io-errors.js';
import type { StoreFs } from './options.js';
import { thisProcess } from './process-identity.js';

/** The owner file as it is now: its path and inode (a lock held with it is a link to that inode). */
export interface OwnerIdentity {
  readonly path: string;
  readonly ino: number;
}

/** Owner files of other processes that hold no lock and were not touched for this many `staleMs` are removed. */
const DEAD_OWNER_STALE_FACTOR = 6;

/**
 * One store instance's lock owner file, `<dir>/locks/<pid>-<random>.owner`, holding this process's
 * identity (`ProcessIdentity`) as JSON (empty where `/proc` does not give it): created once, and
 * hard-linked under a lock's name while that lock is held (see {@link PathLocks}). Its mtime is the
 * holder's heartbeat, shared by every lock it holds: touched before a lock is taken when older than
 * `staleMs / 4`, and every `staleMs / 4` while any lock is held. A lock costs a link and an unlink
 * (directory entries), never a new inode.
 */
export class OwnerFile {
  readonly #fs: StoreFs;
  readonly #dir: string;
  readonly #staleMs: number;
  #current: Promise<OwnerIdentity> | undefined;
  /** The mtime this process last gave the file (ms since the epoch). */
  #touchedAt = 0;
  #holds = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(fs: StoreFs, dir: string, staleMs: number) {
    this.#fs = fs;
    this.#dir = dir;
    this.#staleMs = staleMs;
  }

  /**
   * The owner file, created on first use, and touched now unless its mtime is younger than
   * `staleMs / 4`: a lock linked to it right after is never close to stale.
   */
  async fresh(): Promise<OwnerIdentity> {
    this.#current ??= this.#create();
    let owner: OwnerIdentity;
    try {
      owner = await this.#current;
    } catch (error) {
      this.#current = undefined;
      throw error;
    }
    if (Date.now() - this.#touchedAt > this.#staleMs / 4) await this.#touch(owner.path);
    return owner;
  }

  /** Forgets the owner file when it is gone (removed by hand, say), so the next {@link fresh} makes a new one. */
  async recreateIfMissing(owner: OwnerIdentity): Promise<boolean> {
    try {
      await this.#fs.promises.stat(owner.path);
      return false;
    } catch (error) {
      if (!isMissing(error)) throw error;
      if (this.#current && (await this.#current.catch(() => undefined)) === owner) this.#current = undefined;
      return true;
    }
  }

  /** Counts a lock taken with this file; the heartbeat runs while at least one is held. */
  hold(): void {
    this.#holds++;
    this.#timer ??= setInterval(() => {
      void this.#current?.then((owner) => this.#touch(owner.path)).catch(() => undefined);
    }, this.#staleMs / 4).unref();
  }

  /** Counts a lock released; the heartbeat stops with the last one. */
  unhold(): void {
    this.#holds--;
    if (this.#holds === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Removes the owner file (once no lock is held with it). Later locks make a new one. */
  async remove(): Promise<void> {
    if (this.#holds > 0 || !this.#current) return;
    const current = this.#current;
    this.#current = undefined;
    const owner = await current.catch(() => undefined);
    if (owner) await this.#fs.promises.unlink(owner.path).catch(() => undefined);
  }

  async #touch(path: string): Promise<void> {
    const now = new Date();
    await this.#fs.promises.utimes(path, now, now);
    this.#touchedAt = now.getTime();
  }

  async #create(): Promise<OwnerIdentity> {
    const fsp = this.#fs.promises;
    await fsp.mkdir(this.#dir, { recursive: true });
    const path = join(this.#dir, `${process.pid}-${randomBytes(6).toString('hex')}.owner`);
    const handle = await fsp.open(path, 'wx');
    try {
      // Read by a process waiting for a lock linked to this file: on this machine it takes the
      // lock at once when this process is gone, and never while it runs (see `livenessOf`).
      const identity = thisProcess();
      if (identity) {
        const bytes = Buffer.from(JSON.stringify(identity));
        await handle.write(bytes, 0, bytes.length, 0);
      }
      const { ino } = await handle.stat();
      this.#touchedAt = 0;
      await this.#removeDeadOwners(path);
      return { path, ino };
    } finally {
      await handle.close();
    }
  }

  /**
   * Removes other owner files that no lock links to (one link: the file's own name) and that were
   * not touched for `6 × staleMs`: left by processes that ended without closing the store.
   */
  async #removeDeadOwners(own: string): Promise<void> {
    const fsp = this.#fs.promises;
    for (const name of (await fsp.readdir(this.#dir).catch(() => [])) as string[]) {
      const path = join(this.#dir, name);
      if (!name.endsWith('.owner') || path === own) continue;
      const stat = await fsp.stat(path).catch(() => undefined);
      if (stat && stat.nlink === 1 && Date.now() - stat.mtimeMs > this.#staleMs * DEAD_OWNER_STALE_FACTOR) {
        // Best effort: a file another process removes first, or cannot be removed, is no error.
        await fsp.unlink(path).catch(() => undefined);
      }
    }
  }
}
