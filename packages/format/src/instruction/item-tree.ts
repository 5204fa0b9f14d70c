/** The items stage: building a section's item tree from list items, wrapped lines and paragraphs. */
import type { InstructionItem } from '../types.js';
import { checkItemForm } from './canonical-form.js';
import type { ItemMatch } from './headings.js';
import type { SourceLine } from './lines.js';
import type { OpenItem, OpenSection } from './open-section.js';
import type { ParseContext } from './parse-context.js';

/** Items nested deeper than this are attached at this depth (keeps every recursive consumer safe). */
export const MAX_ITEM_DEPTH = 8;

/**
 * Puts `item` in the section's tree: under the nearest open item indented less than `indent`, or at the top.
 * `m` is the list marker when the item is a list item (checked in strict mode), `undefined` for a paragraph.
 */
export function addItem(
  ctx: ParseContext,
  s: OpenSection,
  item: InstructionItem,
  indent: number,
  contentIndent: number,
  line: SourceLine,
  m: ItemMatch | undefined,
  index: number,
): void {
  const stack = s.stack;
  while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
  if (stack.length >= MAX_ITEM_DEPTH) {
    stack.length = MAX_ITEM_DEPTH - 1;
    if (!s.deepWarned) {
      s.deepWarned = true;
      ctx.report(
        'nesting-too-deep',
        ctx.strictError,
        `Items nested deeper than ${MAX_ITEM_DEPTH} levels are kept at level ${MAX_ITEM_DEPTH}`,
        line,
        index,
      );
    }
  }
  const parent = stack[stack.length - 1];
  if (ctx.strict && m) {
    const position = parent ? parent.item.children.length : s.items.length;
    checkItemForm(ctx, s.known, parent?.contentIndent, m, indent, line, index, position);
  }
  if (parent) parent.item.children.push(item);
  else s.items.push(item);
  s.positions?.set(item, { line: line.line, column: line.col0 + index + 1 });
  stack.push({ indent, contentIndent, item });
  // Only real list items make a later unindented paragraph read as prose after the instruction.
  if (m) s.hasList = true;
}

/**
 * A line of text (or a code block, as one line) that is not a list item: the continuation of the open item
 * it follows or is indented under, or else a paragraph item of its own.
 */
export function addText(
  ctx: ParseContext,
  s: OpenSection,
  text: string,
  isCode: boolean,
  indent: number,
  line: SourceLine,
  index: number,
  continues: boolean,
): void {
  const target = continuationTarget(s.stack, indent, continues);
  if (target) {
    if (ctx.strict && !isCode)
      ctx.report(
        'non-canonical-item',
        'error',
        'Item text wraps onto another line',
        line,
        index,
        'Write each item on one line',
      );
    if (text) target.item.text = target.item.text ? `${target.item.text} ${text}` : text;
  } else if (text) {
    if (ctx.strict && !isCode)
      ctx.report(
        'non-canonical-item',
        'error',
        'Paragraph instead of a list item',
        line,
        index,
        s.known === 'OBJECTIVES' ? 'Write `1. text`' : 'Write `- text`',
      );
    s.stack = [];
    addItem(ctx, s, { text, children: [] }, indent, indent, line, undefined, index);
    s.contentCount++;
  }
}

/**
 * The open item a text line continues: the innermost one when the line directly follows content, else (after a
 * blank line) the innermost one indented less than the line, provided the line is indented under the top item.
 */
function continuationTarget(stack: OpenItem[], indent: number, continues: boolean): OpenItem | undefined {
  if (stack.length === 0) return undefined;
  if (continues) return stack[stack.length - 1];
  if (indent <= stack[0]!.indent) return undefined;
  for (let s = stack.length - 1; s >= 0; s--) {
    if (stack[s]!.indent < indent) return stack[s];
  }
  return undefined;
}
