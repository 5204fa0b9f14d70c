/**
 * @sessionhub/format: the session instruction and Foundation document formats.
 * @packageDocumentation
 */

export { SessionHubError } from './errors.js';
export * from './foundation/index.js';
export {
  INSTRUCTION_DIAGNOSTIC_CODES,
  type InstructionDiagnosticCode,
  MAX_DIAGNOSTICS,
} from './instruction/diagnostics.js';
export * from './instruction/format.js';
export { isFoundationLogItem, matchFoundationVersionItem } from './instruction/foundation-items.js';
export { MAX_ITEM_DEPTH } from './instruction/item-tree.js';
export { parseInstruction } from './instruction/parse.js';
export { INSTRUCTION_SECTION_ALIASES } from './instruction/sections.js';
export * from './lint/index.js';
export * from './schemas.js';
export * from './types.js';
export * from './version.js';
