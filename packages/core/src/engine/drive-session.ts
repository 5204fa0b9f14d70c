import {
  BudgetExceededError,
  CancelledError,
  ProviderError,
  type SessionHubError,
  SessionPausedError,
  SessionStateError,
  StoreError,
} from '../errors.js';
import type { BudgetBreach } from '../model/events.js';
import type { Session } from '../model/session.js';
import type { WorkspaceOutcome } from '../ports/workspace.js';
import { decideBudget, waitForApproval } from './approval.js';
import { DurabilityError, toSessionHubError } from './errors.js';
import { type LifecycleOutcome, runLifecycle } from './lifecycle.js';
import type { ResolvedPolicy, SessionHubOptions } from './options.js';
import type { Redactor } from './redaction.js';
import { SessionResources } from './resources.js';
import type { RunningSession, SessionResult } from './running-session.js';
import type { Semaphore } from './semaphore.js';
import { longTimer } from './wall-timer.js';

/** What the engine lends every session it drives: its options and policy, shared parts, and two callbacks back. */
export interface EngineLoan {
  options: SessionHubOptions;
  policy: ResolvedPolicy;
  redact: Redactor;
  /** The engine's concurrency slots (`policy.concurrency`). */
  semaphore: Semaphore;
  now: () => number;
  /** Ends the live event streams of a session that stopped without finishing. */
  notifyPaused: (sessionId: string) => void;
  /** The session no longer runs on this engine. */
  forget: (sessionId: string) => void;
}

/** How a session stops: it ends (`session.finished`), or it pauses (`session.released`), at a budget or not. */
type Stop = { ends: WorkspaceOutcome } | { pauses: true; breach?: BudgetBreach };

/**
 * Drives one session on this engine, from where its log stands to where it ends or stops: takes a
 * concurrency slot, takes a budget decision first if it was paused at one, runs the lifecycle under the
 * wall-time timer, and has the write-ahead runner write how it stopped: ended (succeeded, failed, cancelled),
 * paused (by `hub.pause`, a provider outage, a budget), or nothing at all when another engine took it over.
 */
export async function driveSession(engine: EngineLoan, running: RunningSession): Promise<SessionResult> {
  const { controller, runner } = running;
  const signal = controller.signal;
  const resources = new SessionResources(engine.options, () => runner.session, signal);
  const outcome: LifecycleOutcome = {};
  let stopWallTimer: (() => void) | undefined;
  let acquired = false;
  let error: SessionHubError | undefined;
  try {
    try {
      await engine.semaphore.acquire(signal);
      acquired = true;
      if (running.budgetWait) await decideBudget(running);
      stopWallTimer = wallTimer(engine, running);
      await runLifecycle({
        options: engine.options,
        policy: engine.policy,
        runner,
        resources,
        outcome,
        redact: engine.redact,
        requireApproval: running.requireApproval,
        // A session waiting for a human gives its slot to queued sessions meanwhile.
        waitForApproval: async (text, s) => {
          engine.semaphore.release();
          acquired = false;
          try {
            return await waitForApproval(engine.options, running, runner.session, text, s);
          } finally {
            await engine.semaphore.acquire(signal);
            acquired = true;
          }
        },
        decisionRecorded: () => running.decisions.recorded(),
      });
    } catch (err) {
      if (err instanceof DurabilityError) throw err;
      error = signal.aborted
        ? toSessionHubError(signal.reason, 'session.cancelled')
        : toSessionHubError(err, `${runner.currentStep ?? 'session'}.failed`);
    }
    stopWallTimer?.();
    await resources.dispose();
    const stop = howItStops(engine.policy, running, error);
    if ('ends' in stop) {
      await runner.finish(stop.ends, error);
      await closeWorkspace(resources, runner.session, stop.ends);
    } else {
      running.paused = true;
      // `error` is set: only a failure pauses a session.
      if (stop.breach) await runner.pauseForBudget(stop.breach, error!);
      else await runner.pause(error!);
      engine.notifyPaused(runner.sessionId);
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
      running.paused = true;
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
    running.decisions.close(`session ${runner.sessionId} stopped before the decision was recorded`);
    await resources.dispose();
    if (acquired) engine.semaphore.release();
    engine.forget(runner.sessionId);
  }
}

/**
 * Whether a session whose lifecycle returned (or threw `error`) ends or pauses: `hub.pause` pauses it in any
 * phase; a budget pauses it when the policy says so (unless a budget decision was just rejected); a
 * retryable provider failure of a step pauses it; anything else ends it.
 */
function howItStops(policy: ResolvedPolicy, running: RunningSession, error: SessionHubError | undefined): Stop {
  if (!error) return { ends: 'succeeded' };
  if (SessionPausedError.isInstance(error)) return { pauses: true };
  const breach = running.budgetRejected ? undefined : pausingBreach(policy, error);
  if (breach) return { pauses: true, breach };
  const aborted = running.controller.signal.aborted;
  // A provider outage outlasted the SDK's retries: keep the session resumable instead of failing it.
  if (!aborted && resumableOutage(error) && running.runner.currentStep) return { pauses: true };
  return { ends: CancelledError.isInstance(error) ? 'cancelled' : 'failed' };
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

/** Aborts the session when its wall-time budget runs out, so a hung step cannot outlive it. */
function wallTimer(engine: EngineLoan, running: RunningSession): (() => void) | undefined {
  const limit = running.budgets.wallTimeMs;
  if (limit === undefined) return undefined;
  const started = Date.parse(running.runner.session.createdAt);
  return longTimer(started + limit - engine.now() + 1, () => {
    const elapsed = engine.now() - started;
    running.controller.abort(new BudgetExceededError('wall_time', limit, elapsed));
  });
}

/** A failure a later resume may get past: a `ProviderError` marked retryable (rate limit, overload, 5xx). */
function resumableOutage(error: SessionHubError): boolean {
  return ProviderError.isInstance(error) && (error as ProviderError).retryable;
}
