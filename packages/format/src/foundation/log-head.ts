/**
 * Reading the fields of an entry's first line after its version: `: Auth Hardening (2025-06-01) ✅`,
 * ` - name (date)`, ` — Name — 2025-06-01 — Completed`.
 */
import { findDate } from './dates.js';
import type { Span } from './log-types.js';
import { findStatus } from './status.js';

export interface HeadFields {
  name: string;
  date?: string;
  statusRaw: string;
  status: string;
  nameSpan?: Span;
  dateSpan?: Span;
  statusSpan?: Span;
}

const SEP_LEAD = /[\s:\-–—|()[\]*_,.]/;
const SEP_TRAIL = /[\s:\-–—|()[\]*_,]/;

/** Reads name, date and status from `line` starting at `from` (just after the version token). */
export function readHeadFields(line: string, from: number): HeadFields {
  let masked = line;
  const mask = (s: Span) => {
    masked = masked.slice(0, s.start) + ' '.repeat(s.end - s.start) + masked.slice(s.end);
  };
  const fields: HeadFields = { name: '', statusRaw: '', status: '' };
  const date = findDate(line.slice(from));
  if (date) {
    fields.dateSpan = { start: from + date.start, end: from + date.end };
    fields.date = date.iso;
    mask(fields.dateSpan);
  }
  const status = findHeadStatus(masked, from);
  if (status) {
    fields.statusSpan = status.span;
    fields.statusRaw = line.slice(status.span.start, status.span.end);
    fields.status = status.status;
    mask(status.span);
  }
  let start = from;
  while (start < masked.length && SEP_LEAD.test(masked[start]!)) start++;
  let end = masked.length;
  while (end > start && SEP_TRAIL.test(masked[end - 1]!)) end--;
  if (end > start) {
    fields.nameSpan = { start, end };
    fields.name = masked
      .slice(start, end)
      .replace(/\s+/g, ' ')
      .replace(/\(\s*\)|\[\s*\]/g, '')
      .trim();
  }
  return fields;
}

/**
 * A status in a heading or list item counts only where it cannot be part of the name: an emoji, a
 * bracketed word (`[COMPLETED]`, `(Done)`), or the last separated segment (`- Completed`).
 */
function findHeadStatus(masked: string, from: number): { span: Span; status: string } | undefined {
  let at = from;
  while (at < masked.length) {
    const found = findStatus(masked.slice(at));
    if (!found) return undefined;
    const start = at + found.start;
    let end = at + found.end;
    // Extend over a status right after this one (`✅ Completed`, `Completed ✅`).
    const after = findStatus(masked.slice(end));
    if (after && after.start <= 2 && /^\s*$/.test(masked.slice(end, end + after.start))) end += after.end;
    const before = masked.slice(0, start);
    const tail = masked.slice(end);
    const isEmoji = !/\w/.test(found.raw);
    const bracketed = /[([]\s*[*_]*$/.test(before) && /^[*_]*\s*[)\]]/.test(tail);
    const lastSegment = /(?:\s[-–—|]|[:,])\s*[*_]*$/.test(before) && /^[\s*_)\].]*$/.test(tail);
    if (isEmoji || bracketed || lastSegment) return { span: { start, end }, status: found.status };
    at = at + found.end;
  }
  return undefined;
}
