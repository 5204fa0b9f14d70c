/**
 * Small text helpers shared by the rules: line splitting, list markers, masking, backtick spans.
 * Every helper keeps string offsets intact so a match index is always a column of the original line.
 */
import type { LintLine, LintView } from './lint-view.js';

/** Lines the line-level rules look at: inside the instruction and outside code blocks. */
export function lintableLines(view: LintView): LintLine[] {
  // Every line rule asks for the same list; the flags it depends on are settled before rules run.
  view.lintable ??= view.lines.filter((l) => l.inInstruction && !l.inCodeBlock);
  return view.lintable;
}

/**
 * Splits text into lines exactly as the instruction parser does (CRLF, CR or LF; a final newline leaves
 * an empty last line). A leading byte order mark becomes a space, so columns match the parser's, which
 * counts the mark as column 1.
 */
export function splitTextLines(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? ` ${text.slice(1)}` : text;
  return body.split(/\r\n|\r|\n/);
}

/** Width of leading whitespace, tabs counted to the next multiple of 4 (as Markdown does). */
export function indentWidth(line: string): number {
  let width = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 32) width++;
    else if (c === 9) width += 4 - (width % 4);
    else break;
  }
  return width;
}

/**
 * The indent width of the first `end` characters of a line read as blanks: every character counts one column
 * (a tab to the next multiple of 4) up to the first whitespace character other than a space or a tab.
 */
export function columnsWidth(line: string, end: number): number {
  let width = 0;
  for (let i = 0; i < end && i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 9) width += 4 - (width % 4);
    else if (c === 32 || !isWhitespace(c, line, i)) width++;
    else break;
  }
  return width;
}

/** Whether the character at `i` (code `c`) is whitespace as `\s` reads it. */
function isWhitespace(c: number, line: string, i: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return /\s/.test(line.charAt(i));
}

/** Whether a line holds only whitespace. */
export function isBlank(line: string): boolean {
  return line.trim() === '';
}

const LIST_MARKER = /^(\s*)([-*+•]|\d{1,3}[.)])(\s+|$)/;

/** The list marker of a line (`- `, `* `, `1. `), with the offset where the item's text starts. */
export function listMarker(line: string): { indent: number; contentOffset: number } | undefined {
  const end = listMarkerEnd(line);
  return end < 0 ? undefined : { indent: indentWidth(line), contentOffset: end };
}

/** The offset where the item's text starts after a line's list marker, or -1 when the line has none. */
export function listMarkerEnd(line: string): number {
  // A marker is the first character after the indent: `-`, `*`, `+`, `•` or a digit. Other lines skip the pattern.
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  const c = line.charCodeAt(i);
  const mayBeMarker =
    c === 45 /* - */ || c === 42 /* * */ || c === 43 /* + */ || c === 0x2022 /* • */ || (c >= 48 && c <= 57);
  // Whitespace other than a space or a tab is left to the pattern, which reads `\s` itself.
  if (!mayBeMarker && !(i < line.length && isWhitespace(c, line, i))) return -1;
  const m = LIST_MARKER.exec(line);
  return m ? m[0].length : -1;
}

/**
 * The line with structure replaced by spaces, so rules only see the words the planner wrote, at their original
 * columns: a section heading's title up to its colon (the whole line when it has none), and a list marker. For a
 * line that is not a section heading the caller passes where its marker ends (`listMarkerEnd(line)`, -1 for none);
 * a section heading's marker is read after its title is masked. The instruction header (`Session 2.3: name`) is not
 * a section heading: its name is the planner's words.
 */
export function maskStructure(line: string, sectionHeading: boolean, markerEnd: number): string {
  if (sectionHeading) {
    const colon = line.indexOf(':');
    const out = (colon === -1 ? ' '.repeat(line.length) : ' '.repeat(colon + 1) + line.slice(colon + 1)).replace(
      /\*\*|__/g,
      '  ',
    );
    // A marker after the title is read on the masked heading.
    return blankPrefix(out, listMarkerEnd(out));
  }
  return blankPrefix(line, markerEnd);
}

/** The line with its first `end` characters replaced by spaces (unchanged for `end` 0 or -1). */
function blankPrefix(line: string, end: number): string {
  return end > 0 ? ' '.repeat(end) + line.slice(end) : line;
}

/** A `code` span: offsets of the opening backtick and of the content. */
export interface BacktickSpan {
  /** Offset of the opening backtick. */
  start: number;
  /** Offset of the first content character. */
  contentStart: number;
  content: string;
}

/** Inline code spans (single or repeated backticks) of one line. */
export function backtickSpans(line: string): BacktickSpan[] {
  const spans: BacktickSpan[] = [];
  const re = /(`+)([^`]+?)\1(?!`)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const ticks = m[1] ?? '';
    spans.push({ start: m.index, contentStart: m.index + ticks.length, content: m[2] ?? '' });
  }
  return spans;
}

/** How far around a word the context helpers look (keeps them linear on very long lines). */
const WINDOW = 80;

/**
 * Whether the word starting at `index` begins a sentence: nothing but whitespace before it on the
 * line, or a sentence-ending mark (`.`, `!`, `?`, `:`) or an opening quote/bracket right before it.
 */
export function isSentenceStart(line: string, index: number): boolean {
  const before = line.slice(Math.max(0, index - WINDOW), index).trimEnd();
  if (before === '') return index <= WINDOW || line.slice(0, index).trim() === '';
  return /[.!?:;]["'”’)]?$|["“(‘]$/.test(before);
}

/** The word that follows offset `end` on the line (letters, digits, `.`, `-`), or `''`. */
export function nextWord(line: string, end: number): string {
  const m = /^\s+([A-Za-z0-9][\w.-]*)/.exec(line.slice(end, end + WINDOW));
  return m?.[1]?.replace(/[.]+$/, '') ?? '';
}

/** The word that precedes offset `start` on the line, or `''`. */
export function previousWord(line: string, start: number): string {
  const m = /([A-Za-z0-9][\w.-]*)\s+$/.exec(line.slice(Math.max(0, start - WINDOW), start));
  return m?.[1] ?? '';
}

/**
 * A one-pass finder of vocabulary words: which of `words` (lower case) occur in a lower-cased line, or
 * `undefined` when none does. Longer words win where two start at the same offset.
 */
export function vocabularyFinder(words: readonly string[]): (lower: string) => ReadonlySet<string> | undefined {
  const alternatives = [...new Set(words)]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
  const re = new RegExp(alternatives, 'g');
  return (lower) => {
    const found = lower.match(re);
    return found === null ? undefined : new Set(found);
  };
}

/** Whether a line's vocabulary (a few words) holds one of `words` (a rule's many): one set lookup per word found. */
export function holdsAnyOf(vocabulary: ReadonlySet<string>, words: ReadonlySet<string>): boolean {
  if (vocabulary.size === 0) return false;
  for (const w of vocabulary) if (words.has(w)) return true;
  return false;
}

/** `s` as a literal inside a regular expression. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
