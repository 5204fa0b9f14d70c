/** Fenced code blocks (``` and ~~~), found in linear time. */
import { type SourceLine, trimmedEnd } from './lines.js';

/** A fence line: its character, run length, indentation, and whether an info string follows. */
export interface FenceLine {
  char: '`' | '~';
  length: number;
  indent: number;
  hasInfo: boolean;
}

/** Reads a fence line (any indentation, at least three backticks or tildes). */
export function matchFence(text: string): FenceLine | undefined {
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  const c = text[i];
  if (c !== '`' && c !== '~') return undefined;
  const start = i;
  while (text[i] === c) i++;
  const length = i - start;
  if (length < 3) return undefined;
  const end = trimmedEnd(text);
  const hasInfo = end > i;
  // A backtick fence's info string may not contain a backtick (CommonMark), else it is inline code.
  if (hasInfo && c === '`' && text.indexOf('`', i) !== -1 && text.indexOf('`', i) < end) return undefined;
  return { char: c, length, indent: start, hasInfo };
}

/** Longest run length tracked exactly; longer runs are treated as this long (enough for real text). */
const CAP = 16;

/**
 * For every line that opens a fence, the index of the line that closes it, or -1 when it is never closed.
 * Lines that are not fence openers get -2. Inner lines are not interpreted here; a caller walking forward
 * jumps from an opener to its closer, which is then the first possible closer after it. Pass
 * `mayHaveFences = false` when the text has no ``` or ~~~ at all, to skip the scan.
 */
export function findFenceClosers(lines: readonly SourceLine[], mayHaveFences = true): Int32Array {
  const closers = new Int32Array(lines.length).fill(-2);
  if (!mayHaveFences) return closers;
  // nextCloser[char][len]: nearest later line that can close a fence of that char and run length.
  const next = { '`': new Int32Array(CAP + 1).fill(-1), '~': new Int32Array(CAP + 1).fill(-1) };
  for (let i = lines.length - 1; i >= 0; i--) {
    const fence = matchFence(lines[i]!.text);
    if (!fence) continue;
    const table = next[fence.char];
    const len = Math.min(fence.length, CAP);
    closers[i] = table[len]!;
    if (!fence.hasInfo) {
      for (let l = 3; l <= len; l++) table[l] = i;
    }
  }
  return closers;
}
