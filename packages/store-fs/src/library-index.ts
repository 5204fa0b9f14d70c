import { compareSessionsNewestFirst, type Session, type SessionFilter, sessionMatchesFilter } from '@sessionhub/core';
import { appendDurably, writeFileAtomic } from './atomic-write.js';
import { isMissing } from './io-errors.js';
import { completeLines, parseLine } from './jsonl.js';
import { decodeId as decodeName, type Layout } from './layout.js';
import { LibraryPostings } from './library-postings.js';
import type { PathLocks } from './locks.js';
import type { StoreFs } from './options.js';

/**
 * The library index `library/index.jsonl`: every session write appends the whole session as a
 * line; the last line of an id wins. It is derived data (the `session.json` files are the
 * truth), so it can always be rebuilt from them. This process keeps the index in memory and
 * before each use reads only the bytes other processes appended since (one `stat` when nothing changed).
 */
export class LibraryIndex {
  readonly #fs: StoreFs;
  readonly #layout: Layout;
  readonly #locks: PathLocks;
  #sessions = new Map<string, Session>();
  /** Bytes of the index file already applied to the map. */
  #offset = 0;
  /**
   * The sessions holding each term, with weights: built on the first text search, then kept up
   * to date; built afresh once superseded versions make up too much of it.
   */
  #postings: LibraryPostings | undefined;

  constructor(fs: StoreFs, layout: Layout, locks: PathLocks) {
    this.#fs = fs;
    this.#layout = layout;
    this.#locks = locks;
  }

  /** Every indexed session (the live objects: callers copy before handing out). */
  sessions(): Iterable<Session> {
    return this.#sessions.values();
  }

  /**
   * Every session holding at least one of `terms` in a searched field (name, tags, instruction,
   * summary), with its score: exactly those core's `scoreSession` scores above 0, and that score.
   */
  scored(terms: readonly string[]): Map<Session, number> {
    if (!this.#postings || this.#postings.wasteful) {
      this.#postings = new LibraryPostings();
      for (const session of this.#sessions.values()) this.#postings.add(session, false);
    }
    return this.#postings.scores(terms, (id) => this.#sessions.get(id));
  }

  /**
   * The `limit` best sessions for `terms` that pass `filter`, in core's library order (score,
   * then newest first, then id): a search's hits before core's `searchSessions` orders them. Only
   * the running best `limit` are kept, so a common term costs no sort of all its sessions.
   */
  best(terms: readonly string[], filter: SessionFilter, limit: number): Session[] {
    const top: Array<{ session: Session; score: number }> = [];
    if (limit <= 0) return [];
    const before = (a: { session: Session; score: number }, b: { session: Session; score: number }) =>
      a.score > b.score || (a.score === b.score && compareSessionsNewestFirst(a.session, b.session) < 0);
    for (const [session, score] of this.scored(terms)) {
      const hit = { session, score };
      if (top.length === limit && !before(hit, top[limit - 1] as (typeof top)[number])) continue;
      if (!sessionMatchesFilter(session, filter)) continue;
      let at = top.length;
      while (at > 0 && before(hit, top[at - 1] as (typeof top)[number])) at--;
      top.splice(at, 0, hit);
      if (top.length > limit) top.pop();
    }
    return top.map((hit) => hit.session);
  }

  #put(session: Session): void {
    const replacing = this.#sessions.has(session.id);
    this.#sessions.set(session.id, session);
    this.#postings?.add(session, replacing);
  }

  /** Number of indexed sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Applies what was appended to the index file since the last call. */
  async refresh(): Promise<void> {
    let size: number;
    try {
      size = (await this.#fs.promises.stat(this.#layout.libraryIndex)).size;
    } catch (error) {
      if (!isMissing(error)) throw error;
      size = 0;
    }
    if (size < this.#offset) {
      // Rewritten (rebuilt) by someone: start over.
      this.#sessions = new Map();
      this.#postings = undefined;
      this.#offset = 0;
    }
    if (size === this.#offset) return;
    const handle = await this.#fs.promises.open(this.#layout.libraryIndex, 'r');
    let bytes: Buffer;
    try {
      bytes = Buffer.alloc(size - this.#offset);
      await handle.read(bytes, 0, bytes.length, this.#offset);
    } finally {
      await handle.close();
    }
    const { lines, validEnd } = completeLines(bytes);
    lines.forEach((line, i) => {
      const session = parseLine<Session>(line, this.#layout.libraryIndex, i + 1);
      this.#put(session);
    });
    // A torn tail stays unread until it is completed or truncated by the next writer.
    this.#offset += validEnd;
  }

  /** Appends sessions to the index durably, under the index lock (truncating a torn tail first). */
  async append(sessions: readonly Session[]): Promise<void> {
    if (sessions.length === 0) return;
    const text = sessions.map((s) => `${JSON.stringify(s)}\n`).join('');
    await this.#locks.withLock(this.#layout.libraryLock, async (held) => {
      await appendDurably(this.#fs, this.#layout.libraryIndex, text, { beforeWrite: () => held.verify() });
    });
    for (const session of sessions) this.#put(session);
  }

  /**
   * Adds sessions whose directories the index does not know (a `createSession` cut short by a
   * crash between `session.json` and the index, or files written in the layout by hand).
   * Returns how many were added. Cheap when the index is complete: one `readdir`.
   */
  async addMissing(opts: { write: boolean }): Promise<number> {
    const names = await this.#sessionDirNames();
    if (names.length <= this.#sessions.size) return 0;
    const missing = names.filter((name) => !this.#sessions.has(decodeName(name)));
    const found = await this.#readSessionFiles(missing);
    if (opts.write) await this.append(found);
    else for (const session of found) this.#put(session);
    return found.length;
  }

  /** Rewrites the index from every `session.json` (atomically), dropping superseded lines. */
  async rebuild(): Promise<number> {
    return this.#locks.withLock(this.#layout.libraryLock, async () => {
      const found = await this.#readSessionFiles(await this.#sessionDirNames());
      const text = found.map((s) => `${JSON.stringify(s)}\n`).join('');
      await writeFileAtomic(this.#fs, this.#layout.libraryIndex, text);
      this.#sessions = new Map(found.map((s) => [s.id, s]));
      this.#postings = undefined;
      this.#offset = Buffer.byteLength(text, 'utf8');
      return found.length;
    });
  }

  async #sessionDirNames(): Promise<string[]> {
    try {
      return (await this.#fs.promises.readdir(this.#layout.sessions)).map(String);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  /** Reads `session.json` of each directory name, 64 at a time; directories without one are skipped. */
  async #readSessionFiles(names: readonly string[]): Promise<Session[]> {
    const found: Session[] = [];
    const width = 64;
    for (let i = 0; i < names.length; i += width) {
      const batch = await Promise.all(
        names.slice(i, i + width).map(async (name) => {
          const path = this.#layout.sessionFile(decodeName(name));
          try {
            return parseLine<Session>(await this.#fs.promises.readFile(path, 'utf8'), path, 1);
          } catch (error) {
            if (isMissing(error)) return undefined;
            throw error;
          }
        }),
      );
      for (const session of batch) if (session) found.push(session);
    }
    return found;
  }
}
