/** Reading a session log written as heading blocks (`### Session 2.20: Name (2025-06-01)` + status + bullets). */
import { entryItem } from './log-item.js';
import type { LogItem } from './log-types.js';
import { headingOf, isBlank, isThematicBreak } from './markdown.js';
import { findVersionTokens, type VersionToken } from './version-token.js';

const LEAD_WORDS = new Set(['', 'session', 'emergency session', 'version', 'release', 'sprint', 'v']);

/**
 * The version an entry's first line starts with: the first version token, preceded by nothing but
 * decoration or a lead word (`Session`, `Version`, `Emergency Session`).
 */
export function leadingVersion(text: string, from: number): VersionToken | undefined {
  const token = findVersionTokens(text.slice(from))[0];
  if (!token) return undefined;
  const before = text
    .slice(from, from + token.start)
    .replace(/[^A-Za-z]+/g, ' ')
    .trim()
    .toLowerCase();
  if (!LEAD_WORDS.has(before)) return undefined;
  return { ...token, start: token.start + from, end: token.end + from };
}

/** Reads a block entry whose heading is line `start`; the block ends before a heading of the same or higher level, or at `last`. */
export function readBlock(lines: string[], start: number, last: number, fenced: boolean[]): LogItem | undefined {
  const text = lines[start]!;
  const heading = headingOf(text);
  if (!heading) return undefined;
  const token = leadingVersion(text, heading.textStart);
  if (!token) return undefined;
  let end = start;
  for (let i = start + 1; i <= last; i++) {
    const h = fenced[i] ? undefined : headingOf(lines[i]!);
    if (h && h.level <= heading.level) break;
    end = i;
  }
  while (end > start && (isBlank(lines[end]!) || isThematicBreak(lines[end]!))) end--;
  return entryItem('blocks', lines, { start, end }, text.replace(/[ \t]+#+[ \t]*$/, ''), token);
}
