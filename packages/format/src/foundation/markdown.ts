/**
 * The few Markdown shapes the Foundation reader needs, recognised line by line (headings, fences,
 * bullets, tables, rules). Deliberately small: positions matter more here than a full Markdown tree.
 */
import type { TextLine } from './text-lines.js';

/** An ATX heading (`## Title`). */
export interface Heading {
  level: number;
  /** The heading text without the `#`s and closing `#`s. */
  text: string;
  /** 0-based offset of `text` in the line. */
  textStart: number;
}

/** Reads an ATX heading. */
export function headingOf(line: string): Heading | undefined {
  const m = /^( {0,3})(#{1,6})(?:[ \t]+|$)/.exec(line);
  if (!m) return undefined;
  const textStart = m[0].length;
  const text = line
    .slice(textStart)
    .replace(/[ \t]+#+[ \t]*$/, '')
    .trimEnd();
  return { level: m[2]!.length, text, textStart };
}

/** For each line, whether it belongs to a fenced code block (fence lines included). */
export function fencedLines(lines: TextLine[]): boolean[] {
  const mask: boolean[] = [];
  let fence: string | undefined;
  for (const { text } of lines) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(text);
    if (fence === undefined) {
      if (m) fence = m[1]!;
      mask.push(fence !== undefined);
    } else {
      mask.push(true);
      if (m && m[1]![0] === fence[0] && m[1]!.length >= fence.length && text.trim() === m[1]) fence = undefined;
    }
  }
  return mask;
}

/** A `---`, `***` or `___` rule. */
export function isThematicBreak(line: string): boolean {
  return /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/.test(line);
}

export function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** A list item's first line. */
export interface Bullet {
  /** Leading whitespace. */
  indent: string;
  /** Everything before the content: indent, marker and the spaces after it (`  - `). */
  prefix: string;
  content: string;
}

/** Reads a list item line (`- x`, `* x`, `+ x`, `1. x`); thematic breaks are not items. */
export function bulletOf(line: string): Bullet | undefined {
  if (isThematicBreak(line)) return undefined;
  const m = /^([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)/.exec(line);
  if (!m) return undefined;
  return { indent: m[1]!, prefix: m[0], content: line.slice(m[0].length) };
}

/** Removes Markdown emphasis, code ticks and link brackets around `text`, and trims it. */
export function stripEmphasis(text: string): string {
  return text
    .replace(/\*\*|__|`/g, '')
    .replace(/(^|\s)[*_]+|[*_]+(\s|$)/g, '$1$2')
    .trim();
}

/** One table cell: its text (trimmed) and where that text sits in the line. */
export interface TableCell {
  text: string;
  start: number;
  end: number;
}

/** Splits a table row into cells (escaped `\|` does not split). Returns undefined for a line without a pipe. */
export function tableCells(line: string): TableCell[] | undefined {
  if (!line.includes('|')) return undefined;
  const cells: TableCell[] = [];
  let start = 0;
  const bounds: number[] = [];
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '|') bounds.push(i);
  }
  const trimmed = line.trim();
  const leading = trimmed.startsWith('|');
  const trailing = trimmed.endsWith('|') && !trimmed.endsWith('\\|');
  const edges = [leading ? bounds[0]! : -1, ...bounds.slice(leading ? 1 : 0, trailing ? -1 : undefined)];
  const last = trailing ? bounds.at(-1)! : line.length;
  for (let k = 0; k < edges.length; k++) {
    start = edges[k]! + 1;
    const end = k + 1 < edges.length ? edges[k + 1]! : last;
    const raw = line.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    cells.push({ text, start: start + lead, end: start + lead + text.length });
  }
  return cells;
}

/** A table's delimiter row (`|---|:---:|`). */
export function isTableSeparator(line: string): boolean {
  const cells = tableCells(line);
  return cells !== undefined && cells.length > 0 && cells.every((c) => /^:?-{1,}:?$/.test(c.text));
}

/** A line that looks like a table row (starts with a pipe). */
export function isTableRow(line: string): boolean {
  return /^\s{0,3}\|/.test(line);
}
