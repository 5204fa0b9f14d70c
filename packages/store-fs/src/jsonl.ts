import type { FileHandle } from 'node:fs/promises';
import { corruptFile } from './io-errors.js';

const NEWLINE = 0x0a;
const TAIL_CHUNK = 64 * 1024;

/** A JSON-lines buffer split into its complete lines; bytes after the last newline are a torn tail. */
export interface CompleteLines {
  lines: string[];
  /** Byte length of the complete part (up to and including the last newline). */
  validEnd: number;
  /** Whether bytes follow the last newline: an append cut short by a crash. */
  torn: boolean;
}

/** Splits JSON-lines bytes into complete lines. A line only counts once its newline is written. */
export function completeLines(bytes: Uint8Array): CompleteLines {
  const validEnd = bytes.lastIndexOf(NEWLINE) + 1;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, validEnd).toString('utf8');
  const lines = validEnd === 0 ? [] : text.slice(0, -1).split('\n');
  return { lines, validEnd, torn: validEnd < bytes.length };
}

/** Parses one line of a JSON-lines file, or throws `store.corrupt` naming the file and line. */
export function parseLine<T>(line: string, path: string, lineNumber: number): T {
  try {
    return JSON.parse(line) as T;
  } catch (cause) {
    throw corruptFile(path, `line ${lineNumber} is not JSON`, cause);
  }
}

/** The end of a JSON-lines file: where its complete part ends and its last complete line. */
export interface Tail {
  /** Byte length of the complete part. */
  validEnd: number;
  /** The last complete line, without its newline, or `undefined` when there is none. */
  lastLine: string | undefined;
}

/** Reads backwards from `size` until the last complete line is found; cost is independent of the file's length. */
export async function readTail(handle: FileHandle, size: number): Promise<Tail> {
  let chunks: Buffer[] = [];
  let position = size;
  let lastNewline = -1;
  // Bytes from `position` to `size`, newest chunk last; we search in the joined buffer.
  while (position > 0) {
    const length = Math.min(TAIL_CHUNK, position);
    position -= length;
    const chunk = Buffer.alloc(length);
    await handle.read(chunk, 0, length, position);
    chunks = [chunk, ...chunks];
    const joined = Buffer.concat(chunks);
    if (lastNewline < 0) {
      const at = joined.lastIndexOf(NEWLINE);
      if (at < 0) continue;
      lastNewline = position + at;
    }
    const end = lastNewline - position;
    const previous = joined.lastIndexOf(NEWLINE, end - 1);
    if (previous >= 0 || position === 0) {
      const start = previous + 1;
      return { validEnd: lastNewline + 1, lastLine: joined.subarray(start, end).toString('utf8') };
    }
  }
  return { validEnd: lastNewline + 1, lastLine: undefined };
}
