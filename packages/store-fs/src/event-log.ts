import type { NewSessionEvent, SessionEvent } from '@sessionhub/core';
import { appendConflict, StoreError } from '@sessionhub/core';
import { appendAllOrNothing } from './atomic-write.js';
import { corruptFile, isMissing } from './io-errors.js';
import { completeLines, parseLine, readTail } from './jsonl.js';
import type { HeldLock } from './locks.js';
import type { StoreFs } from './options.js';

/** What this process last saw at the end of a log; valid while size and mtime are unchanged. */
interface TailCache {
  size: number;
  mtimeMs: number;
  lastSeq: number;
}

/** Byte offsets of a log's complete lines: `starts[n - 1]` is where seq n's line begins. */
interface LineIndex {
  validEnd: number;
  starts: number[];
}

/** How many logs' tails and line offsets stay cached (offsets: 8 bytes per event). */
const MAX_CACHED_LOGS = 2000;

/** Serialises a value as one JSON line, or throws `store.invalid_value`. */
function jsonLine(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new StoreError('store.invalid_value', 'event cannot be stored: it is not plain JSON data', { cause });
  }
  if (text === undefined) throw new StoreError('store.invalid_value', 'event cannot be stored: it is not an object');
  return `${text}\n`;
}

/**
 * A session's append-only `events.jsonl`: one event per line, line `n` holding seq `n`. Callers
 * hold the session's lock around {@link append} and {@link repair}; {@link read} needs no lock.
 */
export class EventLog {
  readonly #fs: StoreFs;
  readonly #tails = new Map<string, TailCache>();
  readonly #offsets = new Map<string, LineIndex>();

  constructor(fs: StoreFs) {
    this.#fs = fs;
  }

  /**
   * Appends events after the last complete line (truncating a torn tail first), fsyncs, and
   * returns the stored events. The last seq comes from the cache when the file's size and mtime
   * are what this process left, else from reading the file's tail.
   *
   * All or nothing: a write cut short (a full disk) is truncated away and the error thrown; the
   * cached tail only moves once the whole batch is on disk. With `expectedSeq`, a last seq other
   * than it is `store.conflict` before anything is written. Right before writing, once the lock
   * may have been taken over (`held.mayBeLost()`), the file must still be the size read under it,
   * and `held.verify()` must pass: a holder that stalled past the lock's `staleMs` while another
   * process took over fails with `store.unavailable` and writes nothing.
   */
  async append(
    path: string,
    sessionId: string,
    events: NewSessionEvent[],
    opts: { at: string; expectedSeq?: number; held: HeldLock },
  ): Promise<SessionEvent[]> {
    const handle = await this.#fs.promises.open(path, 'a+');
    try {
      const stat = await handle.stat();
      let lastSeq: number;
      let size = stat.size;
      const cached = this.#tails.get(path);
      if (cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) {
        lastSeq = cached.lastSeq;
      } else {
        const tail = await readTail(handle, stat.size);
        lastSeq = tail.lastLine === undefined ? 0 : this.#seqOf(tail.lastLine, path);
        if (tail.validEnd < stat.size) {
          // A torn last line: an append that never finished (and was never acknowledged).
          await handle.truncate(tail.validEnd);
          size = tail.validEnd;
        }
      }
      if (opts.expectedSeq !== undefined && opts.expectedSeq !== lastSeq) {
        throw appendConflict(sessionId, opts.expectedSeq, lastSeq);
      }
      const stored = events.map(
        (event, i) => ({ ...event, sessionId, seq: lastSeq + i + 1, at: opts.at }) as SessionEvent,
      );
      const text = stored.map(jsonLine).join('');
      const bytes = Buffer.from(text, 'utf8');
      // Before staleMs / 2 has passed since the lock was taken, nobody can have taken it over.
      if (opts.held.mayBeLost() && (await handle.stat()).size !== size) {
        throw new StoreError(
          'store.unavailable',
          `${path} changed while this process held its lock (it stalled past the lock's staleMs and another process took over); nothing was written`,
        );
      }
      // Last, right before the write: a stall anywhere above shows here as time gone by.
      await opts.held.verify();
      this.#tails.delete(path);
      try {
        await appendAllOrNothing(handle, bytes, size);
      } catch (error) {
        // Lines a reader of this process may have indexed are gone again.
        this.#offsets.delete(path);
        throw error;
      }
      const after = await handle.stat();
      // Cached only if the file is exactly what this append left: a process that stood still
      // between its write and this stat (and lost the lock meanwhile) must not take the bytes
      // others appended since for its own.
      if (after.size === size + bytes.length) {
        this.#tails.set(path, { size: after.size, mtimeMs: after.mtimeMs, lastSeq: lastSeq + stored.length });
      }
      if (this.#tails.size > MAX_CACHED_LOGS) {
        const oldest = this.#tails.keys().next().value;
        if (oldest !== undefined) this.#tails.delete(oldest);
      }
      // Fresh objects, as a later read would return them (undefined fields dropped).
      return JSON.parse(`[${text.slice(0, -1).split('\n').join(',')}]`) as SessionEvent[];
    } finally {
      await handle.close();
    }
  }

  /** Truncates a torn last line, if any. Returns whether it did. Caller holds the lock. */
  async repair(path: string): Promise<boolean> {
    let handle: Awaited<ReturnType<StoreFs['promises']['open']>>;
    try {
      handle = await this.#fs.promises.open(path, 'r+');
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const tail = await readTail(handle, size);
      if (tail.validEnd === size) return false;
      await handle.truncate(tail.validEnd);
      await handle.sync();
      this.#tails.delete(path);
      return true;
    } finally {
      await handle.close();
    }
  }

  /**
   * Events with seq >= fromSeq, at most `limit`. A torn tail is never returned nor a parse error;
   * `onTorn` is told so the caller can truncate it under the lock. A bad complete line is `store.corrupt`.
   * Only the requested lines are read and parsed: the byte offsets of complete lines are cached
   * per log (the log only grows; complete lines never change) and extended with the bytes added since.
   */
  async read(
    path: string,
    opts: { fromSeq?: number; limit?: number; onTorn?: () => Promise<void> } = {},
  ): Promise<SessionEvent[]> {
    const cached = this.#offsets.has(path);
    try {
      return await this.#read(path, opts);
    } catch (error) {
      if (!cached || !(error instanceof StoreError) || error.code !== 'store.corrupt') throw error;
      // The cached offsets may describe lines another process truncated away (an append that
      // failed part-way): index the file afresh once before calling it corrupt.
      this.#offsets.delete(path);
      return this.#read(path, opts);
    }
  }

  async #read(
    path: string,
    opts: { fromSeq?: number; limit?: number; onTorn?: () => Promise<void> },
  ): Promise<SessionEvent[]> {
    let handle: Awaited<ReturnType<StoreFs['promises']['open']>>;
    try {
      handle = await this.#fs.promises.open(path, 'r');
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    let lines: string[];
    let first: number;
    try {
      const { size } = await handle.stat();
      let index = this.#offsets.get(path);
      if (!index || size < index.validEnd) index = { validEnd: 0, starts: [] };
      if (size > index.validEnd) {
        const added = Buffer.alloc(size - index.validEnd);
        await handle.read(added, 0, added.length, index.validEnd);
        let lineStart = 0;
        for (let at = added.indexOf(0x0a); at >= 0; at = added.indexOf(0x0a, at + 1)) {
          index.starts.push(index.validEnd + lineStart);
          lineStart = at + 1;
        }
        index.validEnd += lineStart;
        if (index.validEnd < size) await opts.onTorn?.();
      }
      this.#remember(path, index);
      const count = index.starts.length;
      first = Math.max(1, opts.fromSeq ?? 1);
      const end = opts.limit === undefined ? count : Math.min(count, first - 1 + Math.max(0, opts.limit));
      if (first > end) return [];
      const from = index.starts[first - 1] as number;
      const to = end < count ? (index.starts[end] as number) : index.validEnd;
      const bytes = Buffer.alloc(to - from);
      await handle.read(bytes, 0, bytes.length, from);
      lines = completeLines(bytes).lines;
    } finally {
      await handle.close();
    }
    return lines.map((line, i) => {
      const seq = first + i;
      const event = parseLine<SessionEvent>(line, path, seq);
      if (event?.seq !== seq) throw corruptFile(path, `line ${seq} holds seq ${String(event?.seq)}`);
      return event;
    });
  }

  /** Keeps a log's line offsets, dropping the least recently used beyond a bound. */
  #remember(path: string, index: LineIndex): void {
    this.#offsets.delete(path);
    this.#offsets.set(path, index);
    if (this.#offsets.size > MAX_CACHED_LOGS) {
      const oldest = this.#offsets.keys().next().value;
      if (oldest !== undefined) this.#offsets.delete(oldest);
    }
  }

  #seqOf(line: string, path: string): number {
    const seq = parseLine<{ seq?: unknown }>(line, path, -1)?.seq;
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) {
      throw corruptFile(path, 'the last line has no valid seq');
    }
    return seq;
  }
}
