/** zod schemas of the Foundation data model (JSON Schema is generated from every exported `*Schema`). */
import { z } from 'zod';
import type { SessionVersion } from '../types.js';
import type {
  FoundationDocument,
  FoundationEntryInput,
  FoundationLogEntry,
  FoundationLogStyle,
  FoundationMarkerKind,
  FoundationMarkerRole,
  FoundationVersionMarker,
} from './types.js';

/** A session version as stored in Foundation data (kept local so names never clash with other modules). */
const sessionVersion = z
  .object({
    text: z.string().describe('Canonical spelling, e.g. `2.22A`.'),
    parts: z.array(z.object({ number: z.number().int().nonnegative(), letter: z.string() })).min(2),
  })
  .describe('A session version.') satisfies z.ZodType<SessionVersion>;

/** {@link FoundationMarkerKind}. */
export const FoundationMarkerKindSchema = z.enum([
  'current-version-line',
  'metadata',
  'footer',
  'heading',
]) satisfies z.ZodType<FoundationMarkerKind>;

/** {@link FoundationMarkerRole}. */
export const FoundationMarkerRoleSchema = z.enum(['current', 'next']) satisfies z.ZodType<FoundationMarkerRole>;

/** {@link FoundationVersionMarker}. */
export const FoundationVersionMarkerSchema = z.object({
  kind: FoundationMarkerKindSchema,
  role: FoundationMarkerRoleSchema,
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  raw: z.string(),
  version: sessionVersion,
  label: z.string(),
}) satisfies z.ZodType<FoundationVersionMarker>;

/** {@link FoundationLogStyle}. */
export const FoundationLogStyleSchema = z.enum(['table', 'blocks', 'list']) satisfies z.ZodType<FoundationLogStyle>;

/** {@link FoundationLogEntry}. */
export const FoundationLogEntrySchema = z.object({
  version: sessionVersion,
  date: z.string().describe('ISO `YYYY-MM-DD` when recognisable, else as written; empty when absent.'),
  name: z.string(),
  status: z.string().describe('`completed`, `failed`, `in-progress`, `partial`, `cancelled`, or free text.'),
  achievements: z.array(z.string()),
  summary: z.string().optional(),
  line: z.number().int().positive(),
  endLine: z.number().int().positive(),
}) satisfies z.ZodType<FoundationLogEntry>;

/** {@link FoundationDocument}. */
export const FoundationDocumentSchema = z.object({
  title: z.string().optional(),
  version: sessionVersion.optional(),
  markers: z.array(FoundationVersionMarkerSchema),
  nextSession: sessionVersion.optional(),
  log: z.array(FoundationLogEntrySchema),
  logStyle: FoundationLogStyleSchema.optional(),
  logSection: z.object({ startLine: z.number().int().positive(), endLine: z.number().int().positive() }).optional(),
}) satisfies z.ZodType<FoundationDocument>;

/** {@link FoundationEntryInput}: the log entry given to `applyFoundationUpdate`. */
export const FoundationEntryInputSchema = z.object({
  name: z.string().min(1),
  date: z.string().optional(),
  status: z.string().optional(),
  achievements: z.array(z.string()).optional(),
  summary: z.string().optional(),
}) satisfies z.ZodType<FoundationEntryInput>;

/** The input of `applyFoundationUpdate`, with versions as text (`2.23`, `v2.22B`). */
export const FoundationUpdateInputSchema = z.object({
  version: z.string(),
  entry: FoundationEntryInputSchema,
  next: z.string().optional(),
});
