/** Splitting input into lines that remember where they sit in the original text. */

/** One line of text, positioned on the original input. */
export interface SourceLine {
  /** The line's text, without its line ending (and without any stripped wrapper prefix or suffix). */
  text: string;
  /** 1-based line number in the original text. */
  line: number;
  /** 0-based column of `text[0]` in the original line (BOM or wrapper prefixes shift it). */
  col0: number;
}

/** What {@link splitLines} found besides the lines. */
export interface SplitResult {
  lines: SourceLine[];
  hasBom: boolean;
  /** First 1-based line that ended with a carriage return, or 0. */
  firstCrLine: number;
}

/** Splits on `\r\n`, `\r` and `\n` in one linear scan; a leading BOM is dropped (column 1 of line 1 keeps it). */
export function splitLines(input: string): SplitResult {
  const lines: SourceLine[] = [];
  const hasBom = input.charCodeAt(0) === 0xfeff;
  let start = hasBom ? 1 : 0;
  let firstCrLine = 0;
  let lineNo = 1;
  const n = input.length;
  for (let i = start; i < n; i++) {
    const c = input.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    lines.push({ text: input.slice(start, i), line: lineNo, col0: lineNo === 1 && hasBom ? 1 : 0 });
    if (c === 13) {
      if (firstCrLine === 0) firstCrLine = lineNo;
      if (input.charCodeAt(i + 1) === 10) i++;
    }
    lineNo++;
    start = i + 1;
  }
  // The last line (empty after a final newline: kept so line numbers stay exact).
  lines.push({ text: input.slice(start), line: lineNo, col0: lineNo === 1 && hasBom ? 1 : 0 });
  return { lines, hasBom, firstCrLine };
}

/** Width of the leading whitespace (tabs to the next multiple of 4) and the index of the first other character. */
export function measureIndent(text: string): { width: number; index: number } {
  let width = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) width++;
    else if (c === 9) width += 4 - (width % 4);
    else break;
  }
  return { width, index: i };
}

/** Whether the text is empty or only spaces and tabs. */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** Index one past the last non-space, non-tab character. */
export function trimmedEnd(text: string): number {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 32 && c !== 9) break;
    end--;
  }
  return end;
}

const CONTROL = /[\u0000-\u001f\u007f]+/g;

/**
 * The one-line, trimmed form of a text: control characters (tabs and line breaks included) become single
 * spaces, then the ends are trimmed. Parser and serializer both use it, so their texts agree.
 */
export function cleanText(text: string): string {
  CONTROL.lastIndex = 0;
  return (CONTROL.test(text) ? text.replace(CONTROL, ' ') : text).trim();
}
