import type { NewSessionEvent, SessionEvent } from '@sessionhub/core';
import { StoreError } from '@sessionhub/core';
import { corruptFile, isMissing } from './io-errors.js';
import { completeLines, parseLine, readTail } from './jsonl.js';
import type { StoreFs } from './options.js';

/** What this process last saw at the end of a log; valid while size and mtime are unchanged. */
interface TailCache {
  size: number;
  mtimeMs: number;
  lastSeq: number;
}

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

  constructor(fs: StoreFs) {
    this.#fs = fs;
  }

  /**
   * Appends events after the last complete line (truncating a torn tail first), fsyncs, and
   * returns the stored events. The last seq comes from the cache when the file's size and mtime
   * are what this process left, else from reading the file's tail.
   */
  async append(path: string, sessionId: string, events: NewSessionEvent[], at: string): Promise<SessionEvent[]> {
    const handle = await this.#fs.promises.open(path, 'a+');
    try {
      const stat = await handle.stat();
      let lastSeq: number;
      const cached = this.#tails.get(path);
      if (cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) {
        lastSeq = cached.lastSeq;
      } else {
        const tail = await readTail(handle, stat.size);
        lastSeq = tail.lastLine === undefined ? 0 : this.#seqOf(tail.lastLine, path);
        if (tail.validEnd < stat.size) {
          // A torn last line: an append that never finished (and was never acknowledged).
          await handle.truncate(tail.validEnd);
        }
      }
      const stored = events.map((event, i) => ({ ...event, sessionId, seq: lastSeq + i + 1, at }) as SessionEvent);
      const text = stored.map(jsonLine).join('');
      const bytes = Buffer.from(text, 'utf8');
      await handle.write(bytes, 0, bytes.length, null);
      await handle.sync();
      const after = await handle.stat();
      this.#tails.set(path, { size: after.size, mtimeMs: after.mtimeMs, lastSeq: lastSeq + stored.length });
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
   */
  async read(
    path: string,
    opts: { fromSeq?: number; limit?: number; onTorn?: () => Promise<void> } = {},
  ): Promise<SessionEvent[]> {
    let bytes: Buffer;
    try {
      bytes = await this.#fs.promises.readFile(path);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const { lines, torn } = completeLines(bytes);
    if (torn) await opts.onTorn?.();
    const from = Math.max(1, opts.fromSeq ?? 1);
    const end = opts.limit === undefined ? lines.length : Math.min(lines.length, from - 1 + Math.max(0, opts.limit));
    const events: SessionEvent[] = [];
    for (let i = from - 1; i < end; i++) {
      const event = parseLine<SessionEvent>(lines[i] as string, path, i + 1);
      if (event?.seq !== i + 1) throw corruptFile(path, `line ${i + 1} holds seq ${String(event?.seq)}`);
      events.push(event);
    }
    return events;
  }

  #seqOf(line: string, path: string): number {
    const seq = parseLine<{ seq?: unknown }>(line, path, -1)?.seq;
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) {
      throw corruptFile(path, 'the last line has no valid seq');
    }
    return seq;
  }
}
