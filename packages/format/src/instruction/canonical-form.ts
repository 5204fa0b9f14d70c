/** Strict mode's checks of form: whitespace, section headings and list items exactly as `formatInstruction` writes them. */
import type { HeadingMatch, ItemMatch } from './headings.js';
import { type SourceLine, trimmedEnd } from './lines.js';
import type { ParseContext } from './parse-context.js';
import type { KnownSection } from './sections.js';

/** Reports tabs and trailing whitespace. */
export function checkWhitespace(ctx: ParseContext, line: SourceLine): void {
  const tab = line.text.indexOf('\t');
  if (tab >= 0) ctx.report('non-canonical-whitespace', 'error', 'Tab character', line, tab, 'Use spaces');
  const end = trimmedEnd(line.text);
  if (end < line.text.length) {
    ctx.report('non-canonical-whitespace', 'error', 'Trailing whitespace', line, end, 'Remove trailing spaces');
  }
}

/** Reports a section heading that is not `TITLE:` at column 1. */
export function checkHeadingForm(
  ctx: ParseContext,
  h: HeadingMatch,
  indent: number,
  line: SourceLine,
  index: number,
): void {
  const canonicalTitle = h.known ?? h.key;
  const problems: string[] = [];
  if (h.style === 'markdown') problems.push('Markdown heading');
  if (h.style === 'bold') problems.push('bold label');
  if (indent !== 0) problems.push('indented');
  if (h.written !== canonicalTitle)
    problems.push(
      h.known && h.written.toUpperCase() !== canonicalTitle ? `alias of ${canonicalTitle}` : 'not written upper-case',
    );
  if (!h.hasColon) problems.push('no colon');
  if (h.spaceBeforeColon) problems.push('space before the colon');
  if (problems.length > 0) {
    ctx.report(
      'non-canonical-heading',
      'error',
      `Section heading is not canonical (${problems.join(', ')})`,
      line,
      index,
      `Write \`${canonicalTitle}:\``,
    );
  }
}

/**
 * Reports a list item that is not `- text` (or `N. text` at the top of OBJECTIVES, numbered from 1) indented
 * to where its parent's text starts.
 */
export function checkItemForm(
  ctx: ParseContext,
  section: KnownSection | undefined,
  parentContentIndent: number | undefined,
  m: ItemMatch,
  indent: number,
  line: SourceLine,
  index: number,
  position: number,
): void {
  const expectedIndent = parentContentIndent ?? 0;
  const numbered = parentContentIndent === undefined && section === 'OBJECTIVES';
  const expectedMarker = numbered ? `${position + 1}.` : '-';
  if (m.marker !== expectedMarker || m.gap !== 1 || indent !== expectedIndent) {
    const pad = ' '.repeat(expectedIndent);
    ctx.report(
      'non-canonical-item',
      'error',
      `List item is not canonical (expected \`${pad}${expectedMarker} \`)`,
      line,
      index,
      `Write \`${pad}${expectedMarker} text\``,
    );
  }
}
