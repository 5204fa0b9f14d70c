/**
 * zod schemas mirroring every type of `types.ts`, for validating instructions and parser output that
 * cross a process boundary (stores, HTTP, model output). JSON Schema files generated from them live in
 * `packages/format/schemas/` (see `scripts/gen-json-schema.ts`).
 */
import { z } from 'zod';
import type {
  Complexity,
  Diagnostic,
  ExtraSection,
  FoundationUpdate,
  Instruction,
  InstructionItem,
  ParseMode,
  ParseOptions,
  ParseResult,
  SectionSpan,
  SessionVersion,
  Severity,
  VersionPart,
} from './types.js';

/** {@link Severity}: `error`, `warning` or `info`. */
export const SeveritySchema: z.ZodType<Severity> = z
  .enum(['error', 'warning', 'info'])
  .meta({ id: 'Severity', description: 'How bad a diagnostic is.' });

const positiveLine = z.number().int().min(1);

/** {@link Diagnostic}: a finding positioned 1-based on the original text. */
export const DiagnosticSchema: z.ZodType<Diagnostic> = z
  .object({
    code: z.string().min(1).describe('Stable kebab-case code, documented in docs/format.md.'),
    severity: z.enum(['error', 'warning', 'info']),
    message: z.string(),
    line: positiveLine.describe('1-based line of the original text.'),
    column: positiveLine.describe('1-based column (UTF-16 code units) of the original text.'),
    hint: z.string().optional(),
  })
  .meta({ id: 'Diagnostic', description: 'A finding about an input text.' });

/** {@link VersionPart}: a number with an optional upper-case letter split. */
export const VersionPartSchema: z.ZodType<VersionPart> = z
  .object({
    number: z.number().int().min(0),
    letter: z.string().regex(/^[A-Z]*$/),
  })
  .meta({ id: 'VersionPart', description: 'One part of a session version (`22A`).' });

/** The canonical spelling of a session version: `2.3`, `0.12`, `2.25A.1` (no `v`, upper-case letters). */
export const VERSION_TEXT_PATTERN = /^(0|[1-9][0-9]*)[A-Z]{0,2}(\.(0|[1-9][0-9]*)[A-Z]{0,2})+$/;

/** {@link SessionVersion}: canonical text plus its parts. */
export const SessionVersionSchema: z.ZodType<SessionVersion> = z
  .object({
    text: z.string().regex(VERSION_TEXT_PATTERN),
    parts: z.array(VersionPartSchema).min(2),
  })
  .meta({ id: 'SessionVersion', description: 'A session version such as 2.3, 0.12, 2.22A or 2.25A.1.' });

/** {@link InstructionItem}: a list item with nested children. */
export const InstructionItemSchema: z.ZodType<InstructionItem> = z
  .object({
    text: z.string(),
    get children() {
      return z.array(InstructionItemSchema);
    },
  })
  .meta({ id: 'InstructionItem', description: 'One list item; sub-bullets are children.' });

/** {@link Complexity}: `simple`, `moderate`, `complex` or `epic`. */
export const ComplexitySchema: z.ZodType<Complexity> = z
  .enum(['simple', 'moderate', 'complex', 'epic'])
  .meta({ id: 'Complexity', description: 'How big the planner judged the work to be.' });

/** {@link FoundationUpdate}: the FOUNDATION UPDATE section. */
export const FoundationUpdateSchema: z.ZodType<FoundationUpdate> = z
  .object({
    version: SessionVersionSchema.optional(),
    addToLog: z.boolean(),
    items: z.array(InstructionItemSchema),
  })
  .meta({ id: 'FoundationUpdate', description: 'Target version, add-to-log flag and other items.' });

/** {@link ExtraSection}: any other `UPPERCASE:` section, such as CONTEXT or NOTES. */
export const ExtraSectionSchema: z.ZodType<ExtraSection> = z
  .object({
    title: z.string().min(1),
    items: z.array(InstructionItemSchema),
  })
  .meta({ id: 'ExtraSection', description: 'A section other than the known ones, kept in order.' });

/** {@link Instruction}: a parsed session instruction. */
export const InstructionSchema: z.ZodType<Instruction> = z
  .object({
    version: SessionVersionSchema,
    name: z.string().min(1),
    kind: z.enum(['standard', 'emergency']),
    objectives: z.array(InstructionItemSchema),
    requirements: z.array(InstructionItemSchema),
    foundationUpdate: FoundationUpdateSchema,
    validation: z.array(InstructionItemSchema),
    successCriteria: z.array(InstructionItemSchema),
    notIncluded: z.array(InstructionItemSchema),
    complexity: ComplexitySchema.optional(),
    extraSections: z.array(ExtraSectionSchema),
    commitMessage: z.string().optional(),
  })
  .meta({ id: 'Instruction', description: 'A parsed session instruction.' });

/** {@link ParseMode}: `strict` or `lenient`. */
export const ParseModeSchema: z.ZodType<ParseMode> = z
  .enum(['strict', 'lenient'])
  .meta({ id: 'ParseMode', description: 'Parser strictness.' });

/** {@link ParseOptions}: options of `parseInstruction`. */
export const ParseOptionsSchema: z.ZodType<ParseOptions> = z
  .object({ mode: ParseModeSchema.optional() })
  .meta({ id: 'ParseOptions', description: 'Options of parseInstruction.' });

/** {@link SectionSpan}: where a section sits in the original text. */
export const SectionSpanSchema: z.ZodType<SectionSpan> = z
  .object({
    title: z.string().min(1),
    headingLine: positiveLine,
    startLine: positiveLine,
    endLine: z.number().int().min(0),
  })
  .meta({ id: 'SectionSpan', description: 'A section position in the original text (1-based, inclusive).' });

/** {@link ParseResult}: the parser's answer. */
export const ParseResultSchema: z.ZodType<ParseResult> = z
  .object({
    instruction: InstructionSchema.optional(),
    diagnostics: z.array(DiagnosticSchema),
    sections: z.array(SectionSpanSchema),
  })
  .meta({ id: 'ParseResult', description: 'The answer of parseInstruction.' });
