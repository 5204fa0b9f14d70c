/** Finding the session log section and reading its entries, whatever style each is written in. */
import { leadingVersion, readBlock } from './log-blocks.js';
import { readListItem } from './log-list.js';
import { isTableStart, readLogTable } from './log-table.js';
import type { LogItem, LogSection, LogTable } from './log-types.js';
import { headingOf, isBlank, isThematicBreak, stripEmphasis } from './markdown.js';
import { isFooterLine } from './markers.js';

/** Headings that introduce a session log (emoji and emphasis ignored). */
const LOG_HEADING =
  /\b(?:session[s]?\s+(?:log|history|records?|journal)|change\s*log|version\s+history|development\s+(?:log|history)|completed\s+sessions|release\s+history)\b/i;

/** Whether a heading's text names a session log section. */
export function isLogHeading(text: string): boolean {
  return LOG_HEADING.test(stripEmphasis(text));
}

/** Finds and reads the session log section; `undefined` when the document has none. */
export function readLogSection(lines: string[], fenced: boolean[]): LogSection | undefined {
  let headingIndex = -1;
  let level = 0;
  for (let i = 0; i < lines.length; i++) {
    if (fenced[i]) continue;
    const h = headingOf(lines[i]!);
    if (h && isLogHeading(h.text)) {
      headingIndex = i;
      level = h.level;
      break;
    }
  }
  if (headingIndex === -1) return undefined;
  let end = lines.length - 1;
  for (let i = headingIndex + 1; i < lines.length; i++) {
    const h = fenced[i] ? undefined : headingOf(lines[i]!);
    // `## Session 2.3: ...` entries under a `## Session Log` heading of the same level stay in the log.
    if (h && h.level === level && leadingVersion(lines[i]!, h.textStart)) continue;
    if (h && h.level <= level) {
      end = i - 1;
      break;
    }
  }
  // A footer line ends the log (a log is often the last section, with the footer right under it).
  for (let i = headingIndex + 1; i <= end; i++) {
    if (!fenced[i] && isFooterLine(lines[i]!)) {
      end = i - 1;
      break;
    }
  }
  // Trailing blank lines and rules (the one above the footer) are not part of the log either.
  while (end > headingIndex && !fenced[end] && (isBlank(lines[end]!) || isThematicBreak(lines[end]!))) end--;
  const items: LogItem[] = [];
  const tables: LogTable[] = [];
  for (let i = headingIndex + 1; i <= end; i++) {
    if (fenced[i]) continue;
    if (isTableStart(lines, i)) {
      const read = readLogTable(lines, i, end);
      tables.push(read.table);
      items.push(...read.items);
      i = read.end;
      continue;
    }
    const item = readBlock(lines, i, end, fenced) ?? readListItem(lines, i, end);
    if (item) {
      items.push(item);
      i = item.end;
    }
  }
  return { headingIndex, level, contentEnd: end, items, tables };
}
