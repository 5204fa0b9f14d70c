/** The lines stage's checks of the whole text: empty input, and strict mode's BOM and line endings. */
import type { SplitResult } from './lines.js';
import type { ParseContext } from './parse-context.js';

/** Reports an empty or blank text. */
export function reportEmptyInput(ctx: ParseContext): void {
  ctx.diagnostics.add(
    'empty-input',
    'error',
    'The text is empty',
    1,
    1,
    'Start with a header such as `Session 2.3: Name`',
  );
}

/** Strict mode: reports a byte order mark and the first CRLF or CR line ending. */
export function checkEncoding(ctx: ParseContext, { lines, hasBom, firstCrLine }: SplitResult): void {
  if (hasBom) {
    ctx.diagnostics.add(
      'non-canonical-whitespace',
      'error',
      'Byte order mark at the start',
      1,
      1,
      'Save without a BOM',
    );
  }
  if (firstCrLine > 0) {
    const l = lines[firstCrLine - 1]!;
    ctx.diagnostics.add(
      'non-canonical-whitespace',
      'error',
      'CRLF or CR line endings',
      l.line,
      l.col0 + l.text.length + 1,
      'Use LF line endings',
    );
  }
}
