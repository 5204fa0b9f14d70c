/**
 * A text split into lines that remember their own line ending, so an editor can change a few lines
 * and join the rest back byte for byte (BOM, CRLF, LF, and a missing final newline included).
 */

/** One line of a document: its content (no line ending) and the ending that followed it. */
export interface TextLine {
  /** Content without the line ending (and without the BOM on line 1). */
  text: string;
  /** `'\r\n'`, `'\n'`, or `''` for a last line without a newline. */
  eol: string;
}

/** A document split into lines. */
export interface SplitText {
  /** Whether the text started with a UTF-8 byte order mark (U+FEFF); it is kept out of `lines[0].text`. */
  bom: boolean;
  lines: TextLine[];
  /** The line ending new lines should use: the first one the document uses, `'\n'` when it has none. */
  eol: string;
}

const BOM = '\uFEFF';

/** Splits `text` into lines. Joining them back with {@link joinLines} gives `text` again, exactly. */
export function splitLines(text: string): SplitText {
  const bom = text.startsWith(BOM);
  const body = bom ? text.slice(1) : text;
  const lines: TextLine[] = [];
  let start = 0;
  while (start <= body.length) {
    const nl = body.indexOf('\n', start);
    if (nl === -1) {
      // The remainder (possibly empty) is the last line; an empty remainder after a final newline is no line.
      if (start < body.length || lines.length === 0) lines.push({ text: body.slice(start), eol: '' });
      break;
    }
    const cr = nl > start && body.charCodeAt(nl - 1) === 0x0d;
    lines.push({ text: body.slice(start, cr ? nl - 1 : nl), eol: cr ? '\r\n' : '\n' });
    start = nl + 1;
  }
  const firstEol = lines.find((l) => l.eol !== '')?.eol ?? '\n';
  return { bom, lines, eol: firstEol };
}

/** Joins lines back into text (the inverse of {@link splitLines}). */
export function joinLines(split: SplitText): string {
  let out = split.bom ? BOM : '';
  for (const line of split.lines) out += line.text + line.eol;
  return out;
}
