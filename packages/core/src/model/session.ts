import { z } from 'zod';
import { UsageSchema } from './usage.js';

/** Every state of the session lifecycle. */
export const SessionStateSchema = z.enum([
  'created',
  'planning',
  'awaiting_approval',
  'executing',
  'verifying',
  'fixing',
  'succeeded',
  'failed',
  'cancelled',
]);
/** A state of the session lifecycle. */
export type SessionState = z.infer<typeof SessionStateSchema>;

/** States a session never leaves. */
export const TERMINAL_STATES: readonly SessionState[] = ['succeeded', 'failed', 'cancelled'];

/** Whether a state is terminal. */
export function isTerminal(state: SessionState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** An issue on a git host, as a session input. */
export const IssueRefSchema = z.object({
  host: z.string().describe('Git host name, e.g. "github"'),
  repo: z.string().describe('owner/name'),
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string(),
  url: z.string().optional(),
  labels: z.array(z.string()).default([]),
});
/** An issue on a git host, as a session input. */
export type IssueRef = z.infer<typeof IssueRefSchema>;

/** What a session was started from. */
export const SessionInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('request'), request: z.string().min(1) }),
  z.object({ kind: z.literal('template'), template: z.string().min(1), variables: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal('issue'), issue: IssueRefSchema }),
]);
/** What a session was started from: a free request, a template with variables, or an issue. */
export type SessionInput = z.infer<typeof SessionInputSchema>;

/** A typed error as stored on a session. */
export const SessionErrorInfoSchema = z.object({
  code: z.string(),
  message: z.string(),
});
export type SessionErrorInfo = z.infer<typeof SessionErrorInfoSchema>;

/** A session: one unit of AI-driven work on a repository. */
export const SessionSchema = z.object({
  id: z.string().min(1),
  state: SessionStateSchema,
  input: SessionInputSchema,
  /** ISO-8601 timestamps. */
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Instruction name and version once planned. */
  name: z.string().optional(),
  version: z.string().optional(),
  /** The accepted instruction text once planned. */
  instruction: z.string().optional(),
  /** The executor's last summary. */
  summary: z.string().optional(),
  templateId: z.string().optional(),
  tags: z.array(z.string()).default([]),
  usage: UsageSchema,
  fixAttempts: z.number().int().nonnegative().default(0),
  error: SessionErrorInfoSchema.optional(),
});
/** A session: one unit of AI-driven work on a repository. */
export type Session = z.infer<typeof SessionSchema>;

/** Filters for listing sessions. All given filters must match. */
export const SessionFilterSchema = z.object({
  state: z.union([SessionStateSchema, z.array(SessionStateSchema)]).optional(),
  templateId: z.string().optional(),
  /** Every tag must be present on the session. */
  tags: z.array(z.string()).optional(),
  /** ISO-8601 bounds on `createdAt` (inclusive `since`, exclusive `until`). */
  since: z.string().optional(),
  until: z.string().optional(),
  limit: z.number().int().positive().optional(),
  offset: z.number().int().nonnegative().optional(),
});
export type SessionFilter = z.infer<typeof SessionFilterSchema>;
