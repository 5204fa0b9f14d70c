/** The items stage for FOUNDATION UPDATE: the target version and the log request, read out of its items. */
import type { Instruction, InstructionItem } from '../types.js';
import { compareVersions, parseVersion } from '../version.js';
import {
  CANONICAL_LOG_ITEM,
  CANONICAL_VERSION_ITEM_PREFIX,
  isFoundationLogItem,
  matchFoundationVersionItem,
} from './foundation-items.js';
import type { ItemPosition } from './open-section.js';
import type { ParseContext } from './parse-context.js';

/**
 * Reads the FOUNDATION UPDATE items: the first `Update to version X` item sets `version`, the first
 * `Add session to log` item sets `addToLog`, every other item is kept. Children of a recognised item are
 * read as items of their own (in order), so nothing is lost.
 */
export function readFoundationUpdate(
  ctx: ParseContext,
  items: InstructionItem[],
  positions: Map<InstructionItem, ItemPosition>,
  headerVersion: Instruction['version'],
): Instruction['foundationUpdate'] {
  const result: Instruction['foundationUpdate'] = { addToLog: false, items: [] };
  const diags = ctx.diagnostics;
  const queue = items.slice().reverse();
  while (queue.length > 0) {
    const item = queue.pop()!;
    const p = positions.get(item);
    const line = p?.line ?? 1;
    const column = p?.column ?? 1;
    const versionText = matchFoundationVersionItem(item.text);
    let recognised = false;
    if (versionText !== undefined) {
      const v = parseVersion(versionText);
      if (!v) {
        diags.add(
          'bad-version',
          'warning',
          `Unreadable target version ${JSON.stringify(versionText.slice(0, 40))}; kept as an item`,
          line,
          column,
          'Write `Update to version 2.3`',
        );
      } else if (!result.version) {
        result.version = v;
        recognised = true;
        if (
          ctx.strict &&
          (item.text !== `${CANONICAL_VERSION_ITEM_PREFIX}${v.text}` || result.addToLog || result.items.length > 0)
        ) {
          diags.add(
            'non-canonical-item',
            'error',
            'Target version is not in canonical form',
            line,
            column,
            `Write \`- ${CANONICAL_VERSION_ITEM_PREFIX}${v.text}\` as the first item`,
          );
        }
        if (compareVersions(v, headerVersion) !== 0) {
          diags.add(
            'version-mismatch',
            'warning',
            `FOUNDATION UPDATE targets ${v.text} but the header says ${headerVersion.text}`,
            line,
            column,
          );
        }
      } else {
        diags.add(
          'duplicate-foundation-version',
          'warning',
          `A second target version (${v.text}); kept as an item`,
          line,
          column,
          'State the target version once',
        );
      }
    } else if (!result.addToLog && isFoundationLogItem(item.text)) {
      result.addToLog = true;
      recognised = true;
      if (ctx.strict && (item.text !== CANONICAL_LOG_ITEM || result.items.length > 0)) {
        diags.add(
          'non-canonical-item',
          'error',
          'Session-log request is not in canonical form',
          line,
          column,
          `Write \`- ${CANONICAL_LOG_ITEM}\` right after the target version`,
        );
      }
    }
    if (!recognised) {
      result.items.push(item);
    } else {
      if (ctx.strict && item.children.length > 0) {
        diags.add(
          'non-canonical-item',
          'error',
          'Sub-items under the target version or log request',
          line,
          column,
          'Write them as items of their own',
        );
      }
      for (let c = item.children.length - 1; c >= 0; c--) queue.push(item.children[c]!);
    }
  }
  return result;
}
