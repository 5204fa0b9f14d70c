import { z } from 'zod';
import { OutcomeSchema } from '../outcomes/outcome.js';
import { GateResultSchema } from './report.js';
import { SessionErrorInfoSchema, SessionInputSchema, SessionStateSchema } from './session.js';
import { UsageSchema } from './usage.js';

/**
 * The engine steps whose start and end are written ahead to the store. `commit` is a commit through the
 * session's `WorkspaceProvider` (`commit:<n>` after a passing verdict, `foundation-commit:0` after the
 * Foundation step); its output is the commit's `{ sha }`.
 */
export const StepKindSchema = z.enum(['plan', 'approve', 'execute', 'verify', 'foundation', 'commit']);
export type StepKind = z.infer<typeof StepKindSchema>;

/** Phases that analytics reports durations and usage for. */
export const PhaseSchema = z.enum(['planning', 'approval', 'execution', 'verification', 'foundation']);
export type Phase = z.infer<typeof PhaseSchema>;

/** Limits of a session's budgets (see `SessionBudgets`). */
export const BudgetLimitsSchema = z.object({
  tokens: z.number().nonnegative().optional(),
  costUsd: z.number().nonnegative().optional(),
  wallTimeMs: z.number().nonnegative().optional(),
});

/** Which budget a session reached, its limit and the amount it reached. */
export const BudgetBreachSchema = z.object({
  budget: z.enum(['tokens', 'cost', 'wall_time']),
  limit: z.number(),
  actual: z.number(),
});
export type BudgetBreach = z.infer<typeof BudgetBreachSchema>;

const base = {
  sessionId: z.string(),
  /** Gap-free sequence number within the session, starting at 1; assigned by the store. */
  seq: z.number().int().positive(),
  /** ISO-8601 time the event was appended. */
  at: z.string(),
};

const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ ...base, type: z.literal(type), ...shape });

/** Every event of a session's append-only log. */
export const SessionEventSchema = z.discriminatedUnion('type', [
  /**
   * The session's first event. `requireApproval`: whether the session waits for approval after its plan, as
   * chosen when it was started (`policy.requireApproval`); an engine that resumes it follows this choice, not
   * its own policy. Absent in older logs: the resuming engine's policy decides.
   */
  ev('session.created', { input: SessionInputSchema, requireApproval: z.boolean().optional() }),
  ev('state.changed', { from: SessionStateSchema, to: SessionStateSchema }),
  /** Written before a step's side effects. `stepId` is unique within the session, e.g. `execute:1`. */
  ev('step.started', { stepId: z.string(), step: StepKindSchema, attempt: z.number().int().nonnegative() }),
  /** Written after a step; `output` holds what a resumed engine needs so the step never runs twice. */
  ev('step.finished', { stepId: z.string(), step: StepKindSchema, output: z.unknown() }),
  ev('step.failed', { stepId: z.string(), step: StepKindSchema, error: SessionErrorInfoSchema }),
  ev('planner.reask', {
    attempt: z.number().int().positive(),
    diagnostics: z.array(
      z.object({ code: z.string(), severity: z.string(), message: z.string(), line: z.number(), column: z.number() }),
    ),
  }),
  ev('instruction.accepted', { text: z.string(), version: z.string(), name: z.string(), fix: z.boolean() }),
  /**
   * The session waits for `approve`/`reject`: after its initial plan (`policy.requireApproval`), or, with
   * `budget` set, because it reached a budget (`policy.onBudgetExceeded: 'pause'`).
   */
  ev('approval.requested', { budget: BudgetBreachSchema.optional() }),
  ev('approval.resolved', { approved: z.boolean(), reason: z.string().optional() }),
  /** New limits given by `approve(id, { raiseBudget })`; they replace the policy's for this session. */
  ev('budget.raised', { budgets: BudgetLimitsSchema }),
  /**
   * An engine owns the session until `until` (ISO-8601, the owner's clock): it alone writes to the log
   * (every write is conditional on the last seq it knows). Written when an engine opens the session and
   * to renew the claim; other engines refuse to drive the session while the claim is live, unless they
   * run on the same host (`host`, and `proc`'s boot id and pid namespace) and the holder's `pid` is gone
   * (or, per `proc`'s start time, is another process now).
   */
  ev('session.claimed', {
    owner: z.string(),
    until: z.string(),
    host: z.string().optional(),
    pid: z.number().int().optional(),
    proc: z.string().optional(),
  }),
  /**
   * A decision made on an engine that does not drive the session (another engine holds its live claim):
   * `approve` (with `raiseBudget` for a budget pause), `reject`, `cancel` or `pause`, by engine `by`. Appended
   * conditionally on a log with that live claim and no ending; the owner picks it up (its log tail) and
   * applies it (`approval.resolved`, the session ends `cancelled`, or it pauses); a resumed session applies a
   * decision or cancel its dead owner did not (a pause is dropped: the session stopped with its owner).
   */
  ev('decision.requested', {
    decision: z.enum(['approve', 'reject', 'cancel', 'pause']),
    by: z.string(),
    reason: z.string().optional(),
    raiseBudget: BudgetLimitsSchema.optional(),
  }),
  /** The owner let the session go without finishing it (it paused): any engine may resume it now. */
  ev('session.released', { owner: z.string() }),
  /** The Foundation document was missing and created from the template (`policy.foundation: 'create'`). */
  ev('foundation.created', { path: z.string(), version: z.string() }),
  /** The Foundation document was missing and the session goes on without it (`policy.foundation: 'skip'`). */
  ev('foundation.skipped', { path: z.string(), reason: z.string() }),
  /** Executor progress: a tool call, a file change, command output or a model message. */
  ev('executor.progress', {
    kind: z.enum(['tool_call', 'tool_result', 'file_change', 'output', 'message']),
    message: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  ev('verifier.gate', { attempt: z.number().int().nonnegative(), result: GateResultSchema }),
  ev('usage.recorded', { phase: PhaseSchema, usage: UsageSchema }),
  ev('foundation.updated', { version: z.string(), previousVersion: z.string().optional(), path: z.string() }),
  ev('session.finished', { state: SessionStateSchema, error: SessionErrorInfoSchema.optional() }),
  /**
   * What became of the session's work after it ended (a pull request merged, closed, reverted or rolled
   * back; a user's rating), appended by `recordOutcome` after `session.finished`. Changes no state.
   */
  ev('outcome.recorded', { outcome: OutcomeSchema }),
]);

/** Every event of a session's append-only log. */
export type SessionEvent = z.infer<typeof SessionEventSchema>;
/** The `type` strings of {@link SessionEvent}. */
export type SessionEventType = SessionEvent['type'];
/** The event of one type. */
export type SessionEventOf<T extends SessionEventType> = Extract<SessionEvent, { type: T }>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as handed to `Store.appendEvents`: the store assigns `seq` and `at`. */
export type NewSessionEvent = DistributiveOmit<SessionEvent, 'seq' | 'at'>;
