/** The write-ahead session engine and the command verifier. */

export * from '../verifier/index.js';
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
  RunRequest,
  SessionBudgets,
  SessionHubOptions,
  SessionHubPolicy,
  WorkspaceResolver,
} from './options.js';
export { createRedactor, REDACTED, type Redactor, secretsFromEnv } from './redaction.js';
export { type ReplayedState, replay } from './replay.js';
export { fillTemplate, templateVariablesSchema } from './templates.js';
