/**
 * The lint view: what every rule reads. The original lines, which section each belongs to (from the
 * parser's section spans), which of them are code blocks, and the parsed instruction.
 */
import type { Instruction, SectionSpan } from '../types.js';
import { startsWithCommand } from './rules/no-shell-commands.js';
import { columnsWidth, indentWidth, isBlank, listMarkerEnd, maskStructure, splitTextLines } from './text.js';

/** One line of the text being linted. */
export interface LintLine {
  /** 1-based line number in the original text. */
  number: number;
  /** The line without its line ending. */
  text: string;
  /** Canonical title of the section the line belongs to (heading or body), if any. */
  section?: string;
  /** Whether this line is a section heading (or the instruction header). */
  heading: boolean;
  /** Whether the line belongs to the instruction (a section span); prose around it is not linted. */
  inInstruction: boolean;
  /** Whether the line is part of a fenced or indented code block (fences included). */
  inCodeBlock: boolean;
  /** The text rules scan: section titles and list markers blanked out, columns unchanged. */
  scan: string;
  /** `scan` in lower case, computed once for every rule that matches words in any casing. */
  lower: string;
  /** The rules' vocabulary words found in `lower` (see `LintRuleDefinition.vocabulary`); set by the runner. */
  vocabulary: ReadonlySet<string>;
}

/** No vocabulary word: what a line holds until the runner looks. */
export const NO_WORDS: ReadonlySet<string> = new Set();

/** A fenced or indented code block. */
export interface CodeBlock {
  kind: 'fenced' | 'indented';
  /** First and last line (1-based, inclusive). */
  startLine: number;
  endLine: number;
  /** 1-based column where the block starts (the fence or the first non-blank character). */
  column: number;
}

/** What every rule looks at. */
export interface LintView {
  lines: LintLine[];
  sections: SectionSpan[];
  codeBlocks: CodeBlock[];
  /** The parsed instruction, when the text could be read as one. */
  instruction?: Instruction;
  /** Memo of `lintableLines`; filled on first use. */
  lintable?: LintLine[];
}

/**
 * Builds a {@link LintView} from the original text and the parser's section spans. Lines outside
 * every span (prose around the instruction, a wrapping code fence) are not linted; with no spans at all
 * (text the parser could not read) every line is.
 */
export function buildLintView(text: string, sections: SectionSpan[], instruction?: Instruction): LintView {
  const texts = splitTextLines(text);
  const lines: LintLine[] = [];
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i] as string;
    lines.push({
      number: i + 1,
      text: t,
      heading: false,
      inInstruction: sections.length === 0,
      inCodeBlock: false,
      scan: t,
      lower: t,
      vocabulary: NO_WORDS,
    });
  }
  for (const span of sections) {
    const last = Math.max(span.endLine, span.headingLine);
    for (let n = span.headingLine; n <= last && n <= lines.length; n++) {
      const line = lines[n - 1];
      if (!line) continue;
      line.section = span.title;
      line.inInstruction = true;
    }
    const heading = lines[span.headingLine - 1];
    if (heading) heading.heading = true;
  }
  // Where each line's list-marker ends (-1: none), found once for the masking and the indented blocks.
  const markerEnds: number[] = [];
  for (const line of lines) {
    const sectionHeading = line.heading && line.section !== 'HEADER';
    const markerEnd = sectionHeading ? -1 : listMarkerEnd(line.text);
    markerEnds.push(markerEnd);
    line.scan = maskStructure(line.text, sectionHeading, markerEnd);
    line.lower = line.scan.toLowerCase();
  }
  const inside = sections.length === 0 ? lines : lines.filter((l) => l.inInstruction);
  const fenced = findFencedBlocks(inside);
  const indented = findIndentedBlocks(inside, markerEnds);
  const codeBlocks = indented.length === 0 ? fenced : fenced.concat(indented).sort((a, b) => a.startLine - b.startLine);
  const view: LintView = { lines, sections, codeBlocks };
  if (instruction) view.instruction = instruction;
  return view;
}

const FENCE_OPEN = /^(\s*)(`{3,}|~{3,})/;

/** Fenced blocks (``` or ~~~); an unclosed fence runs to the next section heading. */
function findFencedBlocks(lines: LintLine[]): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // A fence is three backticks or tildes in a row: most lines have neither.
    const open =
      line && !line.heading && (line.text.includes('```') || line.text.includes('~~~'))
        ? FENCE_OPEN.exec(line.text)
        : null;
    if (!line || !open) continue;
    const fence = open[2] ?? '```';
    const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j]?.text ?? '') && !lines[j]?.heading) j++;
    // Unclosed, the block runs to the end of its section: the parser still reads the headings after it.
    const end = j < lines.length && lines[j]?.heading ? j - 1 : Math.min(j, lines.length - 1);
    for (let k = i; k <= end; k++) {
      const inner = lines[k];
      if (inner) inner.inCodeBlock = true;
    }
    blocks.push({
      kind: 'fenced',
      startLine: line.number,
      endLine: lines[end]?.number ?? line.number,
      column: (open[1] ?? '').length + 1,
    });
    i = end;
  }
  return blocks;
}

/**
 * Indented blocks: lines indented 4 or more columns past the text of the enclosing list item (or past
 * the margin outside lists), after a blank line, a heading or a line ending in `:`, that are not list
 * items. A block whose every line reads as an indented English sentence is a paragraph, not code.
 */
function findIndentedBlocks(lines: LintLine[], markerEnds: readonly number[]): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let itemContent: number | undefined;
  let canStart = true;
  const current: LintLine[] = [];
  let previous: LintLine | undefined;
  for (const line of lines) {
    // A gap in line numbers (prose outside the instruction) ends any block.
    if (previous && line.number !== previous.number + 1) {
      flushIndented(current, blocks);
      canStart = true;
    }
    previous = line;
    if (line.inCodeBlock || line.heading) {
      flushIndented(current, blocks);
      if (line.heading) itemContent = undefined;
      canStart = true;
      continue;
    }
    if (isBlank(line.text)) {
      canStart = true;
      continue;
    }
    const indent = indentWidth(line.text);
    const markerEnd = markerEnds[line.number - 1] ?? -1;
    const base = itemContent ?? 0;
    if (markerEnd < 0 && indent >= base + 4 && (canStart || current.length > 0)) {
      current.push(line);
      canStart = false;
      continue;
    }
    flushIndented(current, blocks);
    if (markerEnd >= 0) itemContent = columnsWidth(line.text, markerEnd);
    else if (itemContent !== undefined && indent < 2) itemContent = undefined;
    canStart = /:\s*$/.test(line.text);
  }
  flushIndented(current, blocks);
  return blocks;
}

/** Ends the run of indented lines in `current` (emptied): a block, unless every line reads as prose. */
function flushIndented(current: LintLine[], blocks: CodeBlock[]): void {
  if (current.length === 0) return;
  if (!current.every((l) => readsAsProse(l.text))) {
    for (const l of current) l.inCodeBlock = true;
    const first = current[0]!;
    const last = current[current.length - 1]!;
    blocks.push({
      kind: 'indented',
      startLine: first.number,
      endLine: last.number,
      column: first.text.length - first.text.trimStart().length + 1,
    });
  }
  current.length = 0;
}

/** An indented line of plain words: starts with a letter, at least three words, no code punctuation. */
function readsAsProse(text: string): boolean {
  const t = text.trim();
  if (startsWithCommand(t)) return false;
  if (!/^[A-Za-z]/.test(t)) return false;
  if (/[{}();=<>$|\\`]/.test(t)) return false;
  return t.split(/\s+/).length >= 3;
}
