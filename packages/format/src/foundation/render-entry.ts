/**
 * Writing a new session log entry in the log's own style: a copy of an existing entry (the one next
 * to where the new one goes) with its fields rewritten, or the canonical block when the log is empty.
 */
import type { SessionVersion } from '../types.js';
import type { BodyLine, LogItem, LogTable, Span } from './log-types.js';
import { bulletOf } from './markdown.js';
import { spellStatus } from './status.js';
import { spellLike } from './version-token.js';

/** A new entry with every field decided (dates ISO, text on one line). */
export interface NewEntry {
  version: SessionVersion;
  name: string;
  date: string;
  status: string;
  achievements: string[];
  summary?: string;
}

/** Replaces spans of `line` (non-overlapping) with texts. */
function replaceSpans(line: string, edits: { span: Span; text: string }[]): string {
  let out = line;
  for (const { span, text } of [...edits].sort((x, y) => y.span.start - x.span.start)) {
    out = out.slice(0, span.start) + text + out.slice(span.end);
  }
  return out;
}

/** The canonical block: `### Session 2.3: Name (2025-06-01)`, a status line, key achievements. */
export function canonicalBlock(entry: NewEntry, level = 3): string[] {
  const out = [
    `${'#'.repeat(level)} Session ${entry.version.text}: ${entry.name} (${entry.date})`,
    '',
    `**Status:** ${entry.status}`,
  ];
  if (entry.summary) out.push('', entry.summary);
  if (entry.achievements.length > 0) {
    out.push('', '**Key Achievements:**', '', ...entry.achievements.map((a) => `- ${a}`));
  }
  return out;
}

/** Writes `entry` like `anchor` (an entry of the same log); `statuses` are the log's statuses as written. */
export function renderLike(anchor: LogItem, entry: NewEntry, lines: string[], statuses: string[]): string[] {
  const status = spellStatus(entry.status, statuses);
  if (anchor.style === 'table') return [renderRow(anchor, entry, lines, status)];
  const head = anchor.head!;
  const edits: { span: Span; text: string }[] = [];
  const version = spellLike(head.version.raw, entry.version);
  edits.push({ span: head.version, text: head.name ? version : `${version}: ${entry.name}` });
  if (head.name) edits.push({ span: head.name, text: entry.name });
  if (head.date) edits.push({ span: head.date, text: entry.date });
  if (head.status) edits.push({ span: head.status, text: status });
  const out = [replaceSpans(lines[anchor.start]!, edits)];
  out.push(...renderBody(anchor, entry, lines, status));
  return out;
}

function renderBody(anchor: LogItem, entry: NewEntry, lines: string[], status: string): string[] {
  const out: string[] = [];
  let achievementsWritten = entry.achievements.length === 0;
  const valueLine = (b: BodyLine, text: string) => replaceSpans(lines[b.index]!, [{ span: b.value!, text }]);
  for (const b of anchor.body) {
    switch (b.kind) {
      case 'blank':
        out.push('');
        break;
      case 'rule':
        out.push(lines[b.index]!);
        break;
      case 'status':
        out.push(valueLine(b, status));
        break;
      case 'date':
        out.push(valueLine(b, entry.date));
        break;
      case 'name':
        out.push(valueLine(b, entry.name));
        break;
      case 'summary':
        if (entry.summary) out.push(valueLine(b, entry.summary));
        break;
      case 'achievements-label':
        if (entry.achievements.length === 0) break;
        if (b.value && b.value.end > b.value.start) {
          out.push(valueLine(b, entry.achievements.join('; ')));
          achievementsWritten = true;
        } else out.push(lines[b.index]!);
        break;
      case 'achievement':
        if (!achievementsWritten) {
          out.push(...entry.achievements.map((a) => `${b.bulletPrefix ?? '- '}${a}`));
          achievementsWritten = true;
        }
        break;
      default:
        break; // prose and other key/values belong to the copied entry, not to the new one
    }
  }
  if (!achievementsWritten) {
    if (anchor.style === 'list') {
      const indent = `${' '.repeat(bulletOf(lines[anchor.start]!)?.prefix.length ?? 2)}`;
      out.push(...entry.achievements.map((a) => `${indent}- ${a}`));
    } else out.push('', '**Key Achievements:**', '', ...entry.achievements.map((a) => `- ${a}`));
  }
  // Dropped lines can leave doubled or trailing blank lines.
  const tidy = out.filter((line, k) => !(line === '' && (k === 0 ? false : out[k - 1] === '')));
  while (tidy.length > 0 && tidy.at(-1) === '') tidy.pop();
  return tidy;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The cell texts of a new row, by column. */
function rowValues(
  table: LogTable,
  entry: NewEntry,
  status: string,
  cells: string[] | undefined,
  separator: string,
): string[] {
  const hasAchievements = table.columns.includes('achievements');
  return table.columns.map((role, k) => {
    switch (role) {
      case 'version': {
        const old = cells?.[k];
        const token = old ? /[vV]?\d+[A-Za-z]{0,2}(?:\.\d+[A-Za-z]{0,2})+/.exec(old) : null;
        if (old && token)
          return (
            old.slice(0, token.index) + spellLike(token[0], entry.version) + old.slice(token.index + token[0].length)
          );
        return entry.version.text;
      }
      case 'date':
        return entry.date;
      case 'name':
        return escapeCell(entry.name);
      case 'status':
        return escapeCell(status);
      case 'achievements':
        return escapeCell(entry.achievements.join(separator));
      case 'summary':
        return escapeCell(entry.summary ?? (hasAchievements ? '' : entry.achievements.join(separator)));
      default:
        return '';
    }
  });
}

function renderRow(anchor: LogItem, entry: NewEntry, lines: string[], status: string): string {
  const table = anchor.table!;
  const cells = anchor.cells!;
  const line = lines[anchor.start]!;
  const separator = /<br\s*\/?>/i.test(line) ? '<br>' : '; ';
  const values = rowValues(
    table,
    entry,
    status,
    cells.map((c) => c.text),
    separator,
  );
  return replaceSpans(
    line,
    cells.slice(0, values.length).map((c, k) => ({ span: c, text: values[k]! })),
  );
}

/** A row for a table that has no rows yet. */
export function renderFirstRow(table: LogTable, entry: NewEntry): string {
  return `| ${rowValues(table, entry, entry.status, undefined, '; ').join(' | ')} |`;
}
