import { CancelledError, SessionHubError } from '../errors.js';
import type { BudgetBreach, SessionEvent } from '../model/events.js';
import type { ExecutionReport, Verdict } from '../model/report.js';
import type { Session } from '../model/session.js';
import type { DecisionBox } from './decisions.js';
import type { SessionBudgets } from './options.js';
import type { ReplayedState } from './replay.js';
import type { WriteAheadRunner } from './write-ahead-runner.js';

/**
 * How a session ended or paused. `result` resolves with this for every succeeded, failed or
 * cancelled session; for a session paused by `hub.pause(id)` (`error` a {@link SessionPausedError}) or by a
 * retryable {@link ProviderError} (its state stays the phase it was in, `error` is set; `resume(id)` runs the
 * interrupted step again); for a session
 * paused at a budget (state `awaiting_approval`, `error` a {@link BudgetExceededError};
 * `approve(id, { raiseBudget })` continues it); and for a session another engine took over (`error`
 * a `SessionStateError` `session.owned_elsewhere`). It rejects only when the store itself fails (the
 * session can then be resumed).
 */
export interface SessionResult {
  /** The session record as last written. */
  session: Session;
  /** Why the session failed, was cancelled or paused (`SessionPausedError`, a retryable `ProviderError`, a budget). */
  error?: SessionHubError;
  /** The last verdict, when the session got that far. */
  verdict?: Verdict;
  /** The last execution report, when the session got that far. */
  report?: ExecutionReport;
}

/** A running (or finished) session. */
export interface SessionHandle {
  readonly id: string;
  /** Replays the stored events, then follows live ones until the session ends or pauses. Each access starts anew. */
  readonly events: AsyncIterable<SessionEvent>;
  readonly result: Promise<SessionResult>;
  /** Cancels the session: its signal reaches the planner, executor, sandbox commands and verifier. */
  cancel(): void;
}

/** The handle of a session running on this engine: `cancel` aborts its work. */
export class RunningHandle implements SessionHandle {
  constructor(
    readonly id: string,
    readonly events: AsyncIterable<SessionEvent>,
    readonly result: Promise<SessionResult>,
    private readonly controller: AbortController,
  ) {}

  cancel(): void {
    this.controller.abort(new CancelledError());
  }
}

/**
 * What the engine keeps of a session it runs (from its claim until it ends or stops): the handle it gave out,
 * the abort controller of its work (reason: `CancelledError`, `SessionPausedError`, a budget, a lost write),
 * its write-ahead runner, and the decisions waiting for it.
 */
export interface RunningSession {
  handle: SessionHandle;
  controller: AbortController;
  /** The session's only writer: every event and record update goes through it. */
  runner: WriteAheadRunner;
  decisions: DecisionBox;
  /** The session's budgets: the policy's, with the limits raised for it. */
  budgets: SessionBudgets;
  /** The budget the session is paused at (opened to decide on it). */
  budgetWait?: BudgetBreach;
  /** Set when `reject` refused to raise the budget: the session fails instead of pausing again. */
  budgetRejected?: boolean;
  /** Whether the session waits for approval after its plan: its log's choice (`session.created`), else the policy. */
  requireApproval: boolean;
  /** Whether the initial plan's approval was decided. */
  approvalDecided: boolean;
  /** Set once the session stopped without finishing (paused or taken over): it writes nothing more. */
  paused?: boolean;
  /** Settles `handle.result` with the drive's outcome. */
  settle: (result: Promise<SessionResult>) => void;
}

/** What opening a session gives: the session running here, or a handle of a session that does not run. */
export type Opened = { running: RunningSession } | { handle: SessionHandle };

/** The session as its log stands, over its stored record: what a resumed session starts from. */
export function sessionFromLog(stored: Session, replayed: ReplayedState): Session {
  return {
    ...stored,
    state: replayed.state,
    usage: replayed.usage,
    fixAttempts: replayed.fixAttempts,
    ...(replayed.input ? { input: replayed.input } : {}),
    ...(replayed.instruction
      ? {
          instruction: replayed.instruction.text,
          name: replayed.instruction.name,
          version: replayed.instruction.version,
        }
      : {}),
    ...(replayed.summary !== undefined ? { summary: replayed.summary } : {}),
  };
}

/** The result of a session whose log holds its ending: its error, last report and verdict, from the log. */
export function endedResult(session: Session, replayed: ReplayedState): SessionResult {
  const info = replayed.terminal?.error;
  const result: SessionResult = info ? { session, error: new SessionHubError(info.code, info.message) } : { session };
  for (const [stepId, output] of replayed.finished) {
    if (stepId.startsWith('execute:')) result.report = output as ExecutionReport;
    if (stepId.startsWith('verify:')) result.verdict = output as Verdict;
  }
  return result;
}
