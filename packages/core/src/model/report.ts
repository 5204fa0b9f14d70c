import { z } from 'zod';
import { UsageSchema } from './usage.js';

/** What an executor did. */
export const ExecutionReportSchema = z.object({
  /** The executor's own account of the result. */
  summary: z.string(),
  /** Workspace-relative paths the executor created, changed or deleted. */
  changedFiles: z.array(z.string()),
  usage: UsageSchema,
  /** Model turns taken, where the executor counts them. */
  turns: z.number().int().nonnegative().optional(),
});
/** What an executor did. */
export type ExecutionReport = z.infer<typeof ExecutionReportSchema>;

/** One failure a gate parsed from its output (a failing test, a type error, a leaked secret). */
export const GateFailureSchema = z.object({
  message: z.string(),
  file: z.string().optional(),
  line: z.number().int().optional(),
});
export type GateFailure = z.infer<typeof GateFailureSchema>;

/** The result of one quality gate or validation check. */
export const GateResultSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  durationMs: z.number().nonnegative(),
  /** A bounded excerpt of the gate's output. */
  output: z.string(),
  failures: z.array(GateFailureSchema),
});
/** The result of one quality gate or validation check. */
export type GateResult = z.infer<typeof GateResultSchema>;

/** A verifier's verdict: passed only when every gate passed. */
export const VerdictSchema = z.object({
  passed: z.boolean(),
  gates: z.array(GateResultSchema),
});
/** A verifier's verdict: passed only when every gate passed. */
export type Verdict = z.infer<typeof VerdictSchema>;
