/**
 * The Foundation document: reading it leniently ({@link parseFoundation}), editing it losslessly
 * ({@link applyFoundationUpdate}) and writing the canonical layout ({@link createFoundation}).
 */
export { createFoundation } from './create.js';
export { FoundationUpdateError, type FoundationUpdateErrorCode } from './errors.js';
export { parseFoundation } from './parse.js';
export {
  FoundationDocumentSchema,
  FoundationEntryInputSchema,
  FoundationLogEntrySchema,
  FoundationLogStyleSchema,
  FoundationMarkerKindSchema,
  FoundationMarkerRoleSchema,
  FoundationUpdateInputSchema,
  FoundationVersionMarkerSchema,
} from './schemas.js';
export type {
  CreateFoundationOptions,
  FoundationDocument,
  FoundationEntryInput,
  FoundationLogEntry,
  FoundationLogStyle,
  FoundationMarkerKind,
  FoundationMarkerRole,
  FoundationParseResult,
  FoundationUpdateInput,
  FoundationVersionMarker,
} from './types.js';
export { applyFoundationUpdate } from './update.js';
