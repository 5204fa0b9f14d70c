import {
  BudgetExceededError,
  CancelledError,
  ProviderError,
  SessionHubError,
  SessionStateError,
  StoreError,
} from '../errors.js';
import type { BudgetBreach } from '../model/events.js';
import type { Session } from '../model/session.js';
import type { WorkspaceOutcome } from '../ports/workspace.js';
import type { ActiveSession, SessionResult } from './active-session.js';
import { budgetError } from './budgets.js';
import type { Decision } from './decisions.js';
import { DurabilityError, toSessionHubError } from './errors.js';
import type { ApprovalDecision, ResolvedPolicy, SessionHubOptions } from './options.js';
import type { Redactor } from './redaction.js';
import { SessionResources } from './resources.js';
import type { Semaphore } from './semaphore.js';
import { driveSession, type SessionOutcome } from './session-driver.js';
import { longTimer } from './wall-timer.js';

/** What running a session needs from its engine. */
export interface EngineParts {
  options: SessionHubOptions;
  policy: ResolvedPolicy;
  redact: Redactor;
  semaphore: Semaphore;
  now: () => number;
  /** Ends the live event streams of a session that stopped without finishing. */
  notifyPaused: (sessionId: string) => void;
  /** The session no longer runs on this engine. */
  forget: (sessionId: string) => void;
}

/**
 * Runs one session on this engine from where its log stands to where it ends or stops: takes a
 * concurrency slot, takes a budget decision first if it was paused at one,
 * drives the lifecycle, and writes how it ended (finished, paused at a budget or an outage) or stops
 * writing when another engine took it over.
 */
export async function runSession(engine: EngineParts, active: ActiveSession): Promise<SessionResult> {
  const { controller, runner } = active;
  const signal = controller.signal;
  const resources = new SessionResources(engine.options, () => runner.session, signal);
  const outcome: SessionOutcome = {};
  let stopWallTimer: (() => void) | undefined;
  let acquired = false;
  let error: SessionHubError | undefined;
  try {
    try {
      await engine.semaphore.acquire(signal);
      acquired = true;
      if (active.budgetWait) await decideBudget(active);
      stopWallTimer = wallTimer(engine, active);
      await driveSession({
        options: engine.options,
        policy: engine.policy,
        runner,
        resources,
        outcome,
        redact: engine.redact,
        // A session waiting for a human gives its slot to queued sessions meanwhile.
        waitForApproval: async (text, s) => {
          engine.semaphore.release();
          acquired = false;
          try {
            return await waitForApproval(engine, active, runner.session, text, s);
          } finally {
            await engine.semaphore.acquire(signal);
            acquired = true;
          }
        },
        decisionRecorded: () => active.decisions.recorded(),
      });
    } catch (err) {
      if (err instanceof DurabilityError) throw err;
      error = signal.aborted
        ? toSessionHubError(signal.reason, 'session.cancelled')
        : toSessionHubError(err, `${runner.currentStep ?? 'session'}.failed`);
    }
    stopWallTimer?.();
    await resources.dispose();
    const breach = error && !active.budgetRejected ? pausingBreach(engine.policy, error) : undefined;
    if (error && breach) {
      active.paused = true;
      await runner.pauseForBudget(breach, error);
      engine.notifyPaused(runner.sessionId);
    } else if (error && !signal.aborted && resumableOutage(error) && runner.currentStep) {
      // A provider outage outlasted the SDK's retries: keep the session resumable instead of failing it.
      active.paused = true;
      await runner.pause(error);
      engine.notifyPaused(runner.sessionId);
    } else {
      const state = error ? (CancelledError.isInstance(error) ? 'cancelled' : 'failed') : 'succeeded';
      await runner.finish(state, error);
      await closeWorkspace(resources, runner.session, state);
    }
    const result: SessionResult = { session: runner.session };
    if (error) result.error = error;
    if (outcome.verdict) result.verdict = outcome.verdict;
    if (outcome.report) result.report = outcome.report;
    return result;
  } catch (err) {
    const original = err instanceof DurabilityError ? err.original : err;
    if (StoreError.isInstance(original) && original.code === 'store.conflict') {
      // Another engine took the session over (this engine's claim had run out): stop, writing nothing.
      active.paused = true;
      engine.notifyPaused(runner.sessionId);
      return {
        session: runner.session,
        error: new SessionStateError(
          'session.owned_elsewhere',
          `session ${runner.sessionId} was taken over by another engine; this engine stopped driving it`,
          { cause: original },
        ),
      };
    }
    throw original;
  } finally {
    stopWallTimer?.();
    active.decisions.close(`session ${runner.sessionId} stopped before the decision was recorded`);
    await resources.dispose();
    if (acquired) engine.semaphore.release();
    engine.forget(runner.sessionId);
  }
}

/**
 * Releases an ended session's working copy through its provider (after `session.finished` is durable and
 * the sandbox is disposed). The session has ended either way: a failure here leaves the working copy for
 * the provider's own clean-up (`@sessionhub/git`'s `prune`), and is not the session's error.
 */
async function closeWorkspace(resources: SessionResources, session: Session, outcome: WorkspaceOutcome) {
  try {
    await resources.provider?.close(session, { outcome }, { signal: new AbortController().signal });
  } catch {
    // See above: the session's ending is already in the log.
  }
}

/** The budget a failure is, when policy pauses sessions at it (token, cost and wall-time budgets). */
function pausingBreach(policy: ResolvedPolicy, error: SessionHubError): BudgetBreach | undefined {
  if (policy.onBudgetExceeded !== 'pause' || !BudgetExceededError.isInstance(error)) return undefined;
  const e = error as BudgetExceededError;
  if (e.budget === 'fix_attempts') return undefined;
  return { budget: e.budget, limit: e.limit, actual: e.actual };
}

/** A session opened at a budget pause takes its decision first: raised limits go on, a rejection fails it. */
async function decideBudget(active: ActiveSession): Promise<void> {
  const breach = active.budgetWait!;
  const { runner } = active;
  const decision = await active.decisions.take(active.controller.signal);
  const id = runner.sessionId;
  runner.record(
    decision.reason
      ? { type: 'approval.resolved', sessionId: id, approved: decision.approved, reason: decision.reason }
      : { type: 'approval.resolved', sessionId: id, approved: decision.approved },
  );
  if (decision.approved && decision.raiseBudget) {
    runner.record({ type: 'budget.raised', sessionId: id, budgets: decision.raiseBudget });
    Object.assign(active.budgets, decision.raiseBudget);
  }
  if (decision.approved) runner.clearError();
  active.budgetWait = undefined;
  await runner.flush();
  active.decisions.recorded();
  if (!decision.approved) {
    active.budgetRejected = true;
    throw budgetError(breach);
  }
}

/** Aborts the session when its wall-time budget runs out, so a hung step cannot outlive it. */
function wallTimer(engine: EngineParts, active: ActiveSession): (() => void) | undefined {
  const limit = active.budgets.wallTimeMs;
  if (limit === undefined) return undefined;
  const started = Date.parse(active.runner.session.createdAt);
  return longTimer(started + limit - engine.now() + 1, () => {
    const elapsed = engine.now() - started;
    active.controller.abort(new BudgetExceededError('wall_time', limit, elapsed));
  });
}

async function waitForApproval(
  engine: EngineParts,
  active: ActiveSession,
  session: Session,
  instructionText: string,
  signal: AbortSignal,
): Promise<{ approved: boolean; reason?: string }> {
  const onApproval = engine.options.onApproval;
  let decision: Decision;
  if (onApproval && !active.decisions.pending) {
    // The callback, or an `approve`/`reject` made meanwhile, whichever comes first.
    const waiter = new AbortController();
    const both = AbortSignal.any([signal, waiter.signal]);
    try {
      decision = await Promise.race([
        callback(() => onApproval({ session, instructionText }, { signal: both })),
        active.decisions.take(both),
      ]);
    } finally {
      waiter.abort();
    }
  } else decision = await active.decisions.take(signal);
  active.approvalDecided = true;
  return decision.reason ? { approved: decision.approved, reason: decision.reason } : { approved: decision.approved };
}

/** A failure a later resume may get past: a `ProviderError` marked retryable (rate limit, overload, 5xx). */
function resumableOutage(error: SessionHubError): boolean {
  return ProviderError.isInstance(error) && (error as ProviderError).retryable;
}

/** Runs an `onApproval` callback; an error (or a value that is no decision) becomes `approval.callback_failed`. */
async function callback(call: () => Promise<ApprovalDecision>): Promise<Decision> {
  let d: ApprovalDecision;
  try {
    d = await call();
  } catch (err) {
    throw new SessionHubError('approval.callback_failed', `onApproval threw: ${messageOf(err)}`, { cause: err });
  }
  if (typeof d === 'boolean') return { approved: d };
  if (d === null || typeof d !== 'object' || typeof d.approved !== 'boolean') {
    throw new SessionHubError(
      'approval.callback_failed',
      'onApproval returned no decision (a boolean or { approved })',
    );
  }
  return d.reason ? { approved: d.approved, reason: d.reason } : { approved: d.approved };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
