/** Reading a session log written as heading blocks (`### Session 2.20: Name (2025-06-01)` + status + bullets). */
import { classifyBodyLine, readBody } from './log-body.js';
import { readHeadFields } from './log-head.js';
import type { BodyLine, HeadSpans, LogItem } from './log-types.js';
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
  const fields = readHeadFields(text.replace(/[ \t]+#+[ \t]*$/, ''), token.end);
  const body: BodyLine[] = [];
  for (let i = start + 1; i <= end; i++) body.push(classifyBodyLine(lines[i]!, i));
  const bodyFields = readBody(body, lines);
  const head: HeadSpans = { version: { start: token.start, end: token.end, raw: token.raw } };
  if (fields.nameSpan) head.name = fields.nameSpan;
  if (fields.dateSpan) head.date = fields.dateSpan;
  if (fields.statusSpan) head.status = fields.statusSpan;
  const summary = bodyFields.summary;
  return {
    style: 'blocks',
    entry: {
      version: token.version,
      date: fields.date ?? bodyFields.date ?? '',
      name: fields.name || bodyFields.name || '',
      status: bodyFields.status ?? fields.status,
      achievements: bodyFields.achievements,
      ...(summary ? { summary } : {}),
      line: start + 1,
      endLine: end + 1,
    },
    start,
    end,
    head,
    body,
    statusRaw: bodyFields.statusRaw ?? fields.statusRaw,
  };
}
