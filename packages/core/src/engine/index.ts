/**
 * The write-ahead session engine. One session's path, file by file:
 *
 * 1. `hub.ts`: `SessionHub` takes the call (`run`, `resume`, `pause`, `cancel`, `approve`, `reject`), opens a
 *    stored session (`open-stored-session.ts`: replays its log with `replay.ts`, claims it), and keeps it as a
 *    `RunningSession` (`running-session.ts`). `pause`, `cancel`, `approve` and `reject` are routed by
 *    `call-routing.ts`: to the session running here, to the session opened here, or, while another engine drives
 *    it, recorded for that engine (`owner-requests.ts`), whose runner applies it (`apply-owner-request.ts`).
 * 2. `drive-session.ts`: `driveSession(engine: EngineLoan, running)` drives it on this engine: a concurrency
 *    slot, the wall-time timer, a pending budget decision (`approval.ts`), then how it stopped: ended, paused,
 *    or taken over.
 * 3. `lifecycle.ts`: `runLifecycle(LifecycleDeps)`, the steps in order: plan, approve, execute, verify, commit,
 *    fix, foundation.
 * 4. The longer steps' bodies: `workspace-check.ts`, `plan-step.ts` (with `boundary.ts`), `foundation-step.ts`.
 * 5. `write-ahead-runner.ts`: `WriteAheadRunner`, the write-ahead rule and the session's only writer; a step's
 *    body sees a `StepContext` (`step-context.ts`). Every write is redacted (`redaction.ts`) and budget-checked
 *    (`budgets.ts`).
 */
export { checkInstruction, type InstructionCheck } from './boundary.js';
export { checkBudgets } from './budgets.js';
export {
  createSessionHub,
  type PauseOptions,
  type RunOptions,
  type SessionHandle,
  SessionHub,
  type SessionHubEventMap,
  type SessionResult,
  type StartOptions,
} from './hub.js';
export type {
  ApprovalDecision,
  ApproveOptions,
  RunRequest,
  SessionBudgets,
  SessionHubOptions,
  SessionHubPolicy,
  WorkspaceResolver,
} from './options.js';
export { createRedactor, REDACTED, type Redactor, secretsFromEnv } from './redaction.js';
export { type ReplayedState, replay } from './replay.js';
export { type NewSessionRecordOptions, newSessionRecord } from './session-record.js';
export { fillTemplate, templateVariablesSchema } from './templates.js';
