/** Reading a session log written as a Markdown table (`| Version | Date | Session | Status | Key Achievements |`). */
import { normalizeDate } from './dates.js';
import type { ColumnRole, LogItem, LogTable } from './log-types.js';
import { isTableRow, isTableSeparator, stripEmphasis, tableCells } from './markdown.js';
import { normalizeStatus } from './status.js';
import { findVersionTokens } from './version-token.js';

const ROLES: { role: ColumnRole; re: RegExp }[] = [
  { role: 'version', re: /^(?:version|ver\.?|v|#|no\.?|session (?:#|no\.?|number|version)|release)$/ },
  { role: 'date', re: /\b(?:date|when|completed on|day)\b/ },
  { role: 'status', re: /\b(?:status|result|outcome|state)\b/ },
  { role: 'achievements', re: /achievement|highlight|deliverable|accomplish|key results|changes|outcomes/ },
  { role: 'summary', re: /\b(?:summary|notes?|description|details|comments?)\b/ },
  { role: 'name', re: /\b(?:name|title|session|focus|topic|work|feature|goal)\b/ },
];

/** Whether line `i` starts a table (a row followed by a delimiter row). */
export function isTableStart(lines: string[], i: number): boolean {
  return isTableRow(lines[i]!) && i + 1 < lines.length && isTableSeparator(lines[i + 1]!);
}

/** Reads the table starting at `start` (its header row); rows end at the first non-row line or at `last`. */
export function readLogTable(
  lines: string[],
  start: number,
  last: number,
): { table: LogTable; items: LogItem[]; end: number } {
  const header = tableCells(lines[start]!) ?? [];
  const columns = header.map((cell) => {
    const name = stripEmphasis(cell.text).toLowerCase();
    return ROLES.find((r) => r.re.test(name))?.role ?? 'other';
  });
  if (!columns.includes('version')) {
    // `| Session | Date | Name |`: with another column for the name, `Session` holds the version.
    const session = header.findIndex((cell) => /\bsession\b/i.test(cell.text));
    if (session !== -1 && columns.filter((c) => c === 'name').length > 1) columns[session] = 'version';
  }
  const table: LogTable = { headerIndex: start, separatorIndex: start + 1, columns };
  const items: LogItem[] = [];
  let i = start + 2;
  for (; i <= last && isTableRow(lines[i]!); i++) {
    const cells = tableCells(lines[i]!) ?? [];
    if (!columns.includes('version')) {
      // No column is named for the version: use the first one that holds a version.
      const at = cells.findIndex((c) => findVersionTokens(c.text).length > 0);
      if (at !== -1 && columns[at] !== undefined) columns[at] = 'version';
    }
    const item = readRow(cells, table, i);
    if (item) items.push(item);
  }
  return { table, items, end: i - 1 };
}

function readRow(cells: ReturnType<typeof tableCells> & object, table: LogTable, index: number): LogItem | undefined {
  const cell = (role: ColumnRole) => {
    const at = table.columns.indexOf(role);
    // A pipe inside a cell is written `\|`.
    return at === -1 ? '' : (cells[at]?.text ?? '').replace(/\\\|/g, '|');
  };
  const token = findVersionTokens(cell('version'))[0];
  if (!token) return undefined;
  const statusRaw = stripEmphasis(cell('status'));
  const achievementsText = cell('achievements');
  const achievements = achievementsText
    ? achievementsText
        .split(/\s*(?:<br\s*\/?>|;)\s*/i)
        .map((a) => stripEmphasis(a.replace(/^[-*•]\s+/, '')))
        .filter(Boolean)
    : [];
  const summary = stripEmphasis(cell('summary'));
  return {
    style: 'table',
    entry: {
      version: token.version,
      date: normalizeDate(stripEmphasis(cell('date'))),
      name: stripEmphasis(cell('name')),
      status: normalizeStatus(statusRaw),
      achievements,
      ...(summary ? { summary } : {}),
      line: index + 1,
      endLine: index + 1,
    },
    start: index,
    end: index,
    body: [],
    statusRaw,
    cells,
    table,
  };
}
