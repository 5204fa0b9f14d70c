import { CancelledError, SessionPausedError, SessionStateError } from '../errors.js';
import { isTerminal } from '../model/session.js';
import { checkDecision, checkRaise, type Decision, validLimits } from './decisions.js';
import type { OpenOptions } from './open-stored-session.js';
import { type OwnerRequest, type RequestDeps, requestOfOwner } from './owner-requests.js';
import { replay } from './replay.js';
import type { Opened, RunningSession, SessionHandle } from './running-session.js';

/**
 * What routing a call on one session needs of the engine (`SessionHub` builds it once): asking another engine
 * (`RequestDeps`), the sessions it runs and loads, and opening one.
 *
 * The calls routed here are `SessionHub`'s `cancel`, `pause`, `approve` and `reject` (their contracts are those
 * methods' TSDoc). Each goes to the session running here, to the session opened (and claimed) here from the
 * store, or, while another live engine drives it, into its log for that engine (`owner-requests.ts`).
 */
export interface RoutingDeps extends RequestDeps {
  /** The sessions this engine drives. */
  running: ReadonlyMap<string, RunningSession>;
  /** The loads of stored sessions in flight here. */
  loading: ReadonlyMap<string, Promise<Opened>>;
  /** The session as this engine runs it, loading it first if needed (`SessionHub`'s `open`). */
  open: (id: string, opts: OpenOptions) => Promise<Opened>;
}

/** `SessionHub.cancel`: aborts the session here (opening it first), or records the cancel for its owner. */
export async function routeCancel(engine: RoutingDeps, id: string): Promise<void> {
  await loadSettled(engine, id);
  const opened = await openOrRequest(engine, id, { cancel: true }, { kind: 'cancel' });
  if (opened === 'requested') return;
  if ('handle' in opened) {
    // Joined a plain resume's load, which left the session paused at its budget: open it to cancel it.
    if (await stoppedAtBudget(opened.handle)) await routeCancel(engine, id);
    return;
  }
  opened.running.controller.abort(new CancelledError());
  // A store failure rejects here; a session another engine took over meanwhile was not cancelled.
  const { error } = await opened.running.handle.result;
  if (ownedElsewhere(error)) throw error;
  // Paused here just before the cancel reached it: it is stored now, and cancelled from there.
  if (SessionPausedError.isInstance(error)) await routeCancel(engine, id);
}

/** `SessionHub.pause`: aborts the session's work here, or records the pause for its owner. */
export async function routePause(engine: RoutingDeps, id: string, opts: { signal?: AbortSignal }): Promise<void> {
  const { signal } = opts;
  signal?.throwIfAborted();
  let running = engine.running.get(id);
  const loading = engine.loading.get(id);
  if (!running && loading) {
    // Being opened here: pause it once it runs (a load that fails leaves it to the checks below).
    const opened = await abortable(loading, signal).catch(() => undefined);
    if (opened && 'running' in opened) running = opened.running;
    signal?.throwIfAborted();
  }
  if (running) {
    running.controller.abort(new SessionPausedError());
    const { session, error } = await abortable(running.handle.result, signal);
    if (ownedElsewhere(error)) throw error;
    if (isTerminal(session.state)) {
      throw new SessionStateError('session.invalid_state', `session ${id} ended (${session.state}) before it paused`);
    }
    return;
  }
  const session = await engine.store.getSession(id, opts);
  if (!session) throw new SessionStateError('session.not_found', `session ${id} not found`);
  if (isTerminal(session.state)) {
    throw new SessionStateError('session.invalid_state', `session ${id} has ended (${session.state})`);
  }
  if (await requestOfOwner(engine, id, { kind: 'pause' })) return;
  throw new SessionStateError(
    'session.not_running',
    `session ${id} is not running on any engine (it is paused, or stopped with its engine); resume it to continue`,
  );
}

/** `SessionHub.approve` and `reject`: offers the decision to the session here (opening it first), or records it for its owner. */
export async function routeDecision(engine: RoutingDeps, id: string, decision: Decision): Promise<void> {
  if (decision.raiseBudget) validLimits(decision.raiseBudget);
  // A plain resume loading here leaves a session paused at its budget stopped, not opened for this decision.
  await loadSettled(engine, id);
  let running = engine.running.get(id);
  if (!running) {
    await checkStoredDecision(engine, id, decision);
    const opened = await openOrRequest(engine, id, { decide: true }, { kind: 'decide', decision });
    if (opened === 'requested') return;
    if ('handle' in opened) {
      // Joined a plain resume's load that started after the one waited for above: decide again.
      if (await stoppedAtBudget(opened.handle)) return routeDecision(engine, id, decision);
      const { session } = await opened.handle.result;
      throw new SessionStateError('session.invalid_state', `session ${id} has ended (${session.state})`);
    }
    running = opened.running;
  }
  checkDecision(running, decision, engine.now());
  await running.decisions.offer(decision);
}

/**
 * Refuses, from the store and before the session is opened (and claimed) here, a decision it does not take:
 * it waits for none, a raise is not enough, or there is no budget pause to raise.
 */
async function checkStoredDecision(engine: RoutingDeps, id: string, decision: Decision): Promise<void> {
  const session = await engine.store.getSession(id, {});
  if (!session) throw new SessionStateError('session.not_found', `session ${id} not found`);
  if (session.state !== 'awaiting_approval') {
    throw new SessionStateError('session.invalid_state', `session ${id} is ${session.state}, not awaiting approval`);
  }
  const replayed = replay(await engine.store.readEvents(id));
  if (replayed.budgetWait && decision.approved) {
    const budgets = { ...engine.policy.budgets, ...replayed.raisedBudgets, ...decision.raiseBudget };
    checkRaise(id, budgets, replayed.usage, engine.now() - Date.parse(session.createdAt));
  } else if (!replayed.budgetWait && decision.raiseBudget) {
    throw new SessionStateError('session.invalid_state', `session ${id} is not paused at a budget`);
  }
}

/** Waits until no load of the session is in flight here (however it ends): it then runs here, or not at all. */
async function loadSettled(engine: RoutingDeps, id: string): Promise<void> {
  for (let loading = engine.loading.get(id); loading; loading = engine.loading.get(id)) {
    await loading.catch(() => undefined);
  }
}

/**
 * Opens a session to cancel it or hand it a decision; while another live engine drives it, records the
 * request in its log for that engine instead (`decision.requested`), and resolves `requested` once it is
 * durable.
 */
async function openOrRequest(
  engine: RoutingDeps,
  id: string,
  opts: OpenOptions,
  request: OwnerRequest,
): Promise<Opened | 'requested'> {
  for (let tries = 0; ; tries++) {
    try {
      return await engine.open(id, opts);
    } catch (err) {
      if (!ownedElsewhere(err) || tries >= 2) throw err;
    }
    if (await requestOfOwner(engine, id, request)) return 'requested';
  }
}

/** Whether a handle that does not run here is of a session paused at its budget (not ended). */
async function stoppedAtBudget(handle: SessionHandle): Promise<boolean> {
  const { session } = await handle.result;
  return !isTerminal(session.state);
}

function ownedElsewhere(err: unknown): boolean {
  return SessionStateError.isInstance(err) && (err as SessionStateError).code === 'session.owned_elsewhere';
}

/** Resolves as `promise` does, or rejects with the signal's reason once it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
