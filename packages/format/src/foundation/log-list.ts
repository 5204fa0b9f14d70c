/** Reading a session log written as a bullet list (`- **2.3** (2025-06-01): Name ✅`, sub-bullets for achievements). */
import { leadingVersion } from './log-blocks.js';
import { entryItem } from './log-item.js';
import type { LogItem } from './log-types.js';
import { bulletOf, headingOf, isBlank } from './markdown.js';

/** A bold line that starts an entry without a bullet: `**Session 2.21 - Name** (2025-01-01) ✅`. */
function isBoldEntry(text: string): boolean {
  return /^(?:\*\*|__)/.test(text) && leadingVersion(text, 0) !== undefined;
}

/**
 * Reads a list entry whose bullet is line `start`; it ends before the next bullet at the same or lower
 * indent, or a non-indented line. A bold entry line without a bullet is read the same way; its body
 * runs to the next bold entry line or heading.
 */
export function readListItem(lines: string[], start: number, last: number): LogItem | undefined {
  const text = lines[start]!;
  const bullet = bulletOf(text);
  const bold = !bullet && isBoldEntry(text);
  if (!bold && (!bullet || bullet.indent.length > 3)) return undefined;
  const token = leadingVersion(text, bullet ? bullet.prefix.length : 0);
  if (!token) return undefined;
  let end = start;
  let sawBlank = false;
  for (let i = start + 1; i <= last; i++) {
    const line = lines[i]!;
    if (isBlank(line)) {
      sawBlank = true;
      continue;
    }
    if (bold) {
      if (isBoldEntry(line) || headingOf(line)) break;
      // After a blank line, a plain paragraph is the log's own text, not this entry's.
      if (sawBlank && !bulletOf(line) && !/^[ \t]/.test(line)) break;
    } else if (/^[ \t]*/.exec(line)![0].length <= bullet!.indent.length) break;
    end = i;
  }
  return entryItem('list', lines, { start, end }, text, token);
}
