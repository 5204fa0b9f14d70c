/**
 * Reading the lines under an entry's first line: `**Status:** ✅ Completed`, `- **Date:** 2025-06-01`,
 * `**Key Achievements:**` and the bullets under it, prose.
 */
import { normalizeDate } from './dates.js';
import type { BodyKind, BodyLine } from './log-types.js';
import { bulletOf, headingOf, isBlank, isThematicBreak, stripEmphasis } from './markdown.js';
import { normalizeStatus } from './status.js';

const KEYS: { kind: BodyKind; re: RegExp }[] = [
  { kind: 'status', re: /^(?:status|result|outcome|state)$/ },
  { kind: 'date', re: /^(?:date|completed|completed on|finished|when|completion date|session date)$/ },
  { kind: 'name', re: /^(?:name|title|session name|focus)$/ },
  { kind: 'summary', re: /^(?:summary|description|overview|notes?|goal|objective)$/ },
  {
    kind: 'achievements-label',
    re: /^(?:key )?(?:achievements|highlights|deliverables|accomplishments|results|outcomes|changes)$|^what was (?:done|achieved|delivered)$|^completed work$/,
  },
  {
    kind: 'other',
    re: /^(?:version|session|duration|time|time spent|commit|commits|branch|files? changed|tests?|pr|pull request|author|effort|tokens|cost)$/,
  },
];

/** `**Key:** value`, `- Key: value`, `**Key**: value` with the value's span. */
const KEY_VALUE = /^(\s*(?:[-*+]\s+)?)(\*\*|__)?([A-Za-z][A-Za-z ]{0,30}?)(?:\2\s*:|:\s*\2|:)[ \t]*(?:\*\*|__)?[ \t]*/;

/** Classifies one body line. */
export function classifyBodyLine(text: string, index: number): BodyLine {
  if (isBlank(text)) return { kind: 'blank', index };
  if (isThematicBreak(text)) return { kind: 'rule', index };
  const heading = headingOf(text);
  if (heading) {
    const key = stripEmphasis(heading.text).replace(/:$/, '').toLowerCase();
    return {
      kind: KEYS.find((k) => k.re.test(key))?.kind === 'achievements-label' ? 'achievements-label' : 'other',
      index,
    };
  }
  const kv = KEY_VALUE.exec(text);
  if (kv) {
    const key = kv[3]!.trim().replace(/\s+/g, ' ').toLowerCase();
    const kind = KEYS.find((k) => k.re.test(key))?.kind;
    if (kind) {
      let end = text.length;
      while (end > kv[0].length && /[\s*_]/.test(text[end - 1]!)) end--;
      return { kind, index, value: { start: kv[0].length, end } };
    }
  }
  const bullet = bulletOf(text);
  if (bullet) return { kind: 'achievement', index, bulletPrefix: bullet.prefix };
  return { kind: 'prose', index };
}

/** Fields gathered from an entry's body lines. */
export interface BodyFields {
  status?: string;
  statusRaw?: string;
  date?: string;
  name?: string;
  summary?: string;
  achievements: string[];
}

/** Reads the fields of classified body lines (`lines` is the whole document's line texts). */
export function readBody(body: BodyLine[], lines: string[]): BodyFields {
  const fields: BodyFields = { achievements: [] };
  const prose: string[] = [];
  for (const line of body) {
    const text = lines[line.index]!;
    const value = line.value ? text.slice(line.value.start, line.value.end).trim() : '';
    switch (line.kind) {
      case 'status':
        fields.statusRaw = value;
        fields.status = normalizeStatus(stripEmphasis(value));
        break;
      case 'date':
        fields.date = normalizeDate(value);
        break;
      case 'name':
        fields.name = stripEmphasis(value);
        break;
      case 'summary':
        if (value) prose.push(stripEmphasis(value));
        break;
      case 'achievements-label':
        if (value) fields.achievements.push(...value.split(/;\s*/).map(stripEmphasis).filter(Boolean));
        break;
      case 'achievement':
        fields.achievements.push(stripEmphasis(text.slice(line.bulletPrefix?.length ?? 0)));
        break;
      case 'prose':
        prose.push(stripEmphasis(text));
        break;
      default:
        break;
    }
  }
  if (prose.length > 0) fields.summary = prose.join(' ');
  return fields;
}
