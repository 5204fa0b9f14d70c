import type { LintOptions } from '@sessionhub/format';
import type { SessionEvent } from '../model/events.js';
import type { IssueRef, Session } from '../model/session.js';
import type { Executor } from '../ports/executor.js';
import type { Planner } from '../ports/planner.js';
import type { SandboxCreateOptions, SandboxProvider } from '../ports/sandbox.js';
import type { Store } from '../ports/store.js';
import type { Verifier } from '../ports/verifier.js';
import type { WorkspaceProvider } from '../ports/workspace.js';

/** Limits a session may not exceed; each is checked at every transition. */
export interface SessionBudgets {
  /** All tokens of every model call (input, output, cache read and write). */
  tokens?: number;
  /** Cost in US dollars of every model call. */
  costUsd?: number;
  /**
   * Time since the session was created; also enforced by a timer that aborts the running step.
   * Any length works (`Infinity` means none); timers longer than Node's 2^31−1 ms limit are chained.
   */
  wallTimeMs?: number;
}

/** How sessions are run. Every field has a default. */
export interface SessionHubPolicy {
  /** Fix instructions after a failed verdict before the session fails. Default 2. */
  maxFixAttempts?: number;
  /** Times the planner is asked again after a boundary violation. Default 2. */
  maxPlannerReasks?: number;
  /**
   * Stop in `awaiting_approval` after the initial plan. Default false. Recorded in the session's log when it
   * starts (`session.created`): a resume on an engine with another policy follows the session's choice.
   */
  requireApproval?: boolean;
  budgets?: SessionBudgets;
  /** Sessions run at once; the rest wait in a queue. Default 4. */
  concurrency?: number;
  /** Workspace-relative path of the Foundation document. Default `FOUNDATION.md`. */
  foundationPath?: string;
  /** Successful past sessions offered to the planner. Default 3; 0 turns the search off. */
  libraryContextSize?: number;
  /** Values replaced by `[REDACTED]` in every stored or emitted event. */
  secrets?: string[];
  /** Also redact values of environment variables named like a key, token, secret or password. Default true. */
  redactEnv?: boolean;
  /** Per-rule severity overrides for the actor-boundary linter. */
  lintRules?: LintOptions['rules'];
  /**
   * What a session that reaches its token, cost or wall-time budget does. `pause` (default): it stops
   * in `awaiting_approval` with the reason (a `approval.requested` event with `budget`), resumable with
   * `approve(id, { raiseBudget })`; `reject(id)` fails it. `fail`: it fails with `BudgetExceededError`.
   * The fix-attempt limit always fails the session.
   */
  onBudgetExceeded?: 'pause' | 'fail';
  /**
   * What a session does when the workspace has no Foundation document at `foundationPath`, decided before
   * the first model call. `create` (default): write one from the template (version 0.1) and record
   * `foundation.created`; `require`: fail with `SessionStateError` `foundation.missing`; `skip`: go on
   * without one and record `foundation.skipped`.
   */
  foundation?: 'create' | 'require' | 'skip';
  /**
   * How long an engine's claim on a session lasts without renewal, in ms. Default 30,000. The owner
   * renews it while it runs the session (also while it waits for approval); another engine may take
   * the session over only once the claim has run out (the owner died) or was released (the session
   * paused). See docs/engine.md, "Who drives a session".
   */
  leaseMs?: number;
  /**
   * How often, in ms, the engine driving a session reads its log's tail for decisions (`approve`, `reject`,
   * `cancel`) made on other engines. Default 250. See docs/engine.md, "Who drives a session".
   */
  decisionPollMs?: number;
}

/** Options of `approve`. */
export interface ApproveOptions {
  /**
   * For a session paused by a budget: its new limits (they replace the policy's for this session, and
   * are recorded as `budget.raised`). The session must then be within every limit, or the approval is refused.
   */
  raiseBudget?: SessionBudgets;
  signal?: AbortSignal;
}

/** An approval decision: `true`/`false`, or an object with a reason. */
export type ApprovalDecision = boolean | { approved: boolean; reason?: string };

/** Where a session's working copy lives: a host directory, or a function choosing one per session. */
export type WorkspaceResolver = string | ((session: Session, opts: { signal: AbortSignal }) => Promise<string>);

/** Options of {@link createSessionHub}. */
export interface SessionHubOptions {
  planner: Planner;
  executor: Executor;
  verifier: Verifier;
  store: Store;
  /** Creates one sandbox per session (at the first execution; disposed when the session ends). */
  sandbox: SandboxProvider;
  /**
   * The working copy: a host directory, a function choosing one per session (it must return the same
   * directory for the same session id, since `resume` asks again), or a {@link WorkspaceProvider}
   * (`@sessionhub/git`'s `GitWorkspaces`): the engine then opens the session's working copy before the
   * first model call, commits the verified work of a passing attempt (step `commit:<n>`) and the
   * Foundation update (step `foundation-commit:0`), each sha in the log before the engine moves on, and
   * closes the working copy when the session ends (not when it pauses). See docs/engine.md.
   */
  workspace: WorkspaceResolver | WorkspaceProvider;
  policy?: SessionHubPolicy;
  /** Decides approvals instead of waiting for `approve`/`reject`. */
  onApproval?: (
    request: { session: Session; instructionText: string },
    opts: { signal: AbortSignal },
  ) => Promise<ApprovalDecision>;
  /** Passed to `SandboxProvider.create` (limits, network, env). */
  sandboxOptions?: Omit<SandboxCreateOptions, 'workspace' | 'signal' | 'labels'>;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
  /** Session id generator. Default `crypto.randomUUID`. */
  generateId?: () => string;
  /** Environment scanned for secrets when `policy.redactEnv` is on. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** This engine's id in session claims (`session.claimed`). Default a random UUID per engine. */
  engineId?: string;
  /**
   * Told about an error thrown by a listener of `emitter`. Listeners cannot break the engine: an error
   * is caught, the other listeners still run, and the session goes on. Default: the error is dropped.
   */
  onListenerError?: (error: unknown, event: SessionEvent) => void;
}

/** What `run` accepts: a request, a stored template with variables, or an issue. */
export type RunRequest =
  | { request: string; tags?: string[] }
  | { template: string; variables?: Record<string, unknown>; tags?: string[] }
  | { issue: IssueRef; tags?: string[] };

/** The policy with every default applied. */
export interface ResolvedPolicy {
  maxFixAttempts: number;
  maxPlannerReasks: number;
  requireApproval: boolean;
  budgets: SessionBudgets;
  concurrency: number;
  foundationPath: string;
  libraryContextSize: number;
  secrets: string[];
  redactEnv: boolean;
  lintRules: LintOptions['rules'] | undefined;
  onBudgetExceeded: 'pause' | 'fail';
  foundation: 'create' | 'require' | 'skip';
  leaseMs: number;
  decisionPollMs: number;
}

/** Applies the defaults documented on {@link SessionHubPolicy}. */
export function resolvePolicy(p: SessionHubPolicy = {}): ResolvedPolicy {
  return {
    maxFixAttempts: p.maxFixAttempts ?? 2,
    maxPlannerReasks: p.maxPlannerReasks ?? 2,
    requireApproval: p.requireApproval ?? false,
    budgets: p.budgets ?? {},
    concurrency: Math.max(1, p.concurrency ?? 4),
    foundationPath: p.foundationPath ?? 'FOUNDATION.md',
    libraryContextSize: p.libraryContextSize ?? 3,
    secrets: p.secrets ?? [],
    redactEnv: p.redactEnv ?? true,
    lintRules: p.lintRules,
    onBudgetExceeded: p.onBudgetExceeded ?? 'pause',
    foundation: p.foundation ?? 'create',
    leaseMs: Math.max(1, p.leaseMs ?? 30_000),
    decisionPollMs: Math.max(1, p.decisionPollMs ?? 250),
  };
}
