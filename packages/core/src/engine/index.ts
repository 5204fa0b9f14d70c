/**
 * The write-ahead session engine. One session's path: `hub.ts` (`run`/`resume`/decisions, claims) →
 * `session-driver.ts` (the lifecycle) → `plan-step.ts` / `foundation-step.ts` (the steps' bodies) →
 * `write-ahead-runner.ts` (the write-ahead rule: every write, in order, conditional, before its side effect).
 */
export { checkInstruction, type InstructionCheck } from './boundary.js';
export { checkBudgets } from './budgets.js';
export {
  createSessionHub,
  type RunOptions,
  type SessionHandle,
  SessionHub,
  type SessionHubEventMap,
  type SessionResult,
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
export { fillTemplate, templateVariablesSchema } from './templates.js';
