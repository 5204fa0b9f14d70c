/** `formatInstruction`: writes an instruction in the canonical form that strict parsing accepts. */
import type { Instruction, InstructionItem } from '../types.js';
import { CANONICAL_LOG_ITEM, CANONICAL_VERSION_ITEM_PREFIX } from './foundation-items.js';
import { canonicalHeader } from './header.js';
import { cleanText as oneLine } from './lines.js';
import { normalizeExtraTitle } from './sections.js';

/**
 * Writes `instruction` in canonical form:
 *
 * ```text
 * Session 2.3: Name
 * OBJECTIVES:
 * 1. ...
 *    - sub-item (aligned under the parent's text)
 * REQUIREMENTS:
 * - ...
 * FOUNDATION UPDATE:
 * - Update to version 2.3
 * - Add session to log
 * VALIDATION:
 * - ...
 * SUCCESS CRITERIA:   (only when there are items)
 * NOT INCLUDED:       (only when there are items)
 * EXTRA SECTIONS:     (each, in order)
 * COMPLEXITY: moderate
 * COMMIT: 'message'
 * ```
 *
 * Sub-items are `- ` bullets indented to the parent's text (3 spaces under `1. `, 2 under `- `). Line breaks and
 * tabs inside texts become single spaces and texts are trimmed, so every output line is one item. An extra
 * section title is upper-cased and stripped of characters outside `A-Z 0-9 & / _ -` (`NOTES` if nothing is left). The result
 * ends with a newline. For every valid instruction, `parseInstruction(formatInstruction(x), { mode: 'strict' })`
 * gives `x` back.
 */
export function formatInstruction(instruction: Instruction): string {
  const out: string[] = [canonicalHeader(instruction.kind, instruction.version, oneLine(instruction.name))];
  out.push('OBJECTIVES:');
  instruction.objectives.forEach((item, i) => {
    writeItem(out, item, `${i + 1}.`, 0);
  });
  writeSection(out, 'REQUIREMENTS', instruction.requirements);
  out.push('FOUNDATION UPDATE:');
  const fu = instruction.foundationUpdate;
  if (fu.version) out.push(`- ${CANONICAL_VERSION_ITEM_PREFIX}${fu.version.text}`);
  if (fu.addToLog) out.push(`- ${CANONICAL_LOG_ITEM}`);
  for (const item of fu.items) writeItem(out, item, '-', 0);
  writeSection(out, 'VALIDATION', instruction.validation);
  if (instruction.successCriteria.length > 0) writeSection(out, 'SUCCESS CRITERIA', instruction.successCriteria);
  if (instruction.notIncluded.length > 0) writeSection(out, 'NOT INCLUDED', instruction.notIncluded);
  for (const extra of instruction.extraSections)
    writeSection(out, normalizeExtraTitle(extra.title) ?? 'NOTES', extra.items);
  if (instruction.complexity) out.push(`COMPLEXITY: ${instruction.complexity}`);
  if (instruction.commitMessage !== undefined && oneLine(instruction.commitMessage)) {
    out.push(`COMMIT: '${oneLine(instruction.commitMessage)}'`);
  }
  return `${out.join('\n')}\n`;
}

function writeSection(out: string[], title: string, items: readonly InstructionItem[]): void {
  out.push(`${title}:`);
  for (const item of items) writeItem(out, item, '-', 0);
}

/** Writes an item and its children without recursion (item trees from untrusted input can be deep). */
function writeItem(out: string[], root: InstructionItem, marker: string, indent: number): void {
  const work: Array<{ item: InstructionItem; marker: string; indent: number }> = [{ item: root, marker, indent }];
  while (work.length > 0) {
    const { item, marker: m, indent: n } = work.pop()!;
    out.push(`${' '.repeat(n)}${m} ${oneLine(item.text)}`);
    const childIndent = n + m.length + 1;
    for (let i = item.children.length - 1; i >= 0; i--) {
      work.push({ item: item.children[i]!, marker: '-', indent: childIndent });
    }
  }
}
