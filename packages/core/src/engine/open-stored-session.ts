import { CancelledError, SessionStateError, StoreError } from '../errors.js';
import type { SessionEvent } from '../model/events.js';
import type { Session } from '../model/session.js';
import type { Store } from '../ports/store.js';
import { budgetError } from './budgets.js';
import { heldElsewhere } from './claim-holder.js';
import { type ReplayedState, replay } from './replay.js';
import {
  endedResult,
  type Opened,
  type RunningSession,
  type SessionHandle,
  type SessionResult,
  sessionFromLog,
} from './running-session.js';

/** How a stored session is opened: to cancel it, or to hand it a decision. */
export interface OpenOptions {
  /** Aborting it cancels the session. */
  signal?: AbortSignal;
  cancel?: boolean;
  decide?: boolean;
}

/** What opening a stored session needs of the engine (`SessionHub` builds it once). */
export interface OpeningDeps {
  store: Store;
  /** This engine's id: its own claims do not block it. */
  engineId: string;
  now: () => number;
  /** Builds the in-memory session without starting it (`SessionHub`'s `prepare`). */
  prepare: (session: Session, replayed: ReplayedState, signal?: AbortSignal) => RunningSession;
  /** Registers a prepared session as running here and drives it (`SessionHub`'s `start`). */
  start: (running: RunningSession, signal?: AbortSignal) => void;
  /** A session's events (`SessionHub.events`). */
  events: (sessionId: string) => AsyncIterable<SessionEvent>;
}

/**
 * Opens a stored session to run it here, from its record and its log (the log is the truth): an ended session
 * gets a handle with its known result (its record repaired if a crash left it behind its final append); a live
 * claim of another engine is refused; a session paused at a budget stays stopped unless opened to decide on it
 * or cancel it; anything else is prepared, claimed by a conditional write, and started.
 *
 * @throws {SessionStateError} `session.not_found`; `session.owned_elsewhere` while another engine's claim is
 *   live, or when another engine claimed the session meanwhile.
 */
export async function openStoredSession(engine: OpeningDeps, id: string, opts: OpenOptions): Promise<Opened> {
  const stored = await engine.store.getSession(id, opts);
  if (!stored) throw new SessionStateError('session.not_found', `session ${id} not found`);
  const replayed = replay(await engine.store.readEvents(id, opts));
  if (replayed.terminal) {
    // The log is the truth: repair a record a crash left behind its final append.
    const { state, error } = replayed.terminal;
    const repaired =
      stored.state === state
        ? stored
        : await engine.store.updateSession(id, {
            state,
            usage: replayed.usage,
            fixAttempts: replayed.fixAttempts,
            ...(error ? { error } : {}),
          });
    return { handle: stoppedHandle(engine, endedResult(repaired, replayed)) };
  }
  const claim = replayed.claim;
  // A live claim of another engine blocks, unless its process is known to be gone (same host, pid dead).
  if (claim && heldElsewhere(claim, engine.engineId, engine.now())) {
    throw new SessionStateError(
      'session.owned_elsewhere',
      `session ${id} is run by engine ${claim.owner} until ${new Date(claim.until).toISOString()}; ` +
        'use that engine, or retry once its claim has run out',
    );
  }
  // A decision another engine requested and its owner did not live to apply is applied now.
  const requested = replayed.requested;
  if (replayed.budgetWait && !opts.decide && !opts.cancel && !requested && !replayed.cancelRequested) {
    // Paused at a budget: nothing runs until someone decides.
    const error = budgetError(replayed.budgetWait);
    return { handle: stoppedHandle(engine, { session: stored, error }) };
  }
  replayed.input ??= stored.input;
  const session = sessionFromLog(stored, replayed);
  const running = engine.prepare(session, replayed, opts.signal);
  if (!replayed.lastSeq) {
    // No event yet (it crashed before its first append): this engine's policy makes the session's choice.
    const requireApproval = running.requireApproval;
    running.runner.record({ type: 'session.created', sessionId: id, input: stored.input, requireApproval });
  }
  // A paused session being resumed: its outage error no longer describes it.
  if (session.error && !replayed.budgetWait) running.runner.clearError();
  // Claim the session before anything runs: if another engine claimed it meanwhile, this write fails.
  try {
    await running.runner.claimNow();
  } catch (err) {
    if (StoreError.isInstance(err) && err.code === 'store.conflict') {
      throw new SessionStateError('session.owned_elsewhere', `session ${id} was claimed by another engine meanwhile`);
    }
    throw err;
  }
  // Opened to cancel it: nothing of it runs again.
  if (opts.cancel || replayed.cancelRequested) running.controller.abort(new CancelledError());
  if (requested && !opts.decide) running.decisions.offer(requested).catch(() => undefined);
  engine.start(running, opts.signal);
  return { running };
}

/** The handle of a session that does not run here: its result is known. */
function stoppedHandle(engine: OpeningDeps, result: SessionResult): SessionHandle {
  return {
    id: result.session.id,
    events: engine.events(result.session.id),
    result: Promise.resolve(result),
    cancel: () => undefined,
  };
}
