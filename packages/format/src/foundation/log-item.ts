/** The item of a session log entry written as a heading block or a list entry: its first line and its body. */
import { classifyBodyLine, readBody } from './log-body.js';
import { readHeadFields } from './log-head.js';
import type { BodyLine, HeadSpans, LogItem } from './log-types.js';
import type { VersionToken } from './version-token.js';

/**
 * The item of the entry on lines `start` to `end` (0-based, inclusive): the fields of its first line `head`
 * after the version `token`, then those its body lines add (a field of the first line wins, except the status).
 */
export function entryItem(
  style: 'blocks' | 'list',
  lines: string[],
  range: { start: number; end: number },
  head: string,
  token: VersionToken,
): LogItem {
  const { start, end } = range;
  const fields = readHeadFields(head, token.end);
  const body: BodyLine[] = [];
  for (let i = start + 1; i <= end; i++) body.push(classifyBodyLine(lines[i]!, i));
  const bodyFields = readBody(body, lines);
  const spans: HeadSpans = { version: { start: token.start, end: token.end, raw: token.raw } };
  if (fields.nameSpan) spans.name = fields.nameSpan;
  if (fields.dateSpan) spans.date = fields.dateSpan;
  if (fields.statusSpan) spans.status = fields.statusSpan;
  const summary = bodyFields.summary;
  return {
    style,
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
    head: spans,
    body,
    statusRaw: bodyFields.statusRaw ?? fields.statusRaw,
  };
}
