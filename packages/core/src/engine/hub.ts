import { EventEmitter } from 'eventemitter3';
import { CancelledError, SessionPausedError, SessionStateError, StoreError } from '../errors.js';
import type { SessionEvent, SessionEventOf, SessionEventType } from '../model/events.js';
import { isTerminal, type Session } from '../model/session.js';
import { checkPortVersions } from '../ports/check-versions.js';
import { budgetError } from './budgets.js';
import { heldElsewhere } from './claim-holder.js';
import { checkDecision, checkRaise, type Decision, DecisionBox, validLimits } from './decisions.js';
import { driveSession, type EngineLoan } from './drive-session.js';
import { SESSION_PAUSED, SessionEventStream, type SessionListeners } from './event-stream.js';
import { isolateListeners } from './listener-isolation.js';
import {
  type ApproveOptions,
  type ResolvedPolicy,
  type RunRequest,
  resolvePolicy,
  type SessionBudgets,
  type SessionHubOptions,
} from './options.js';
import { type OwnerRequest, type RequestDeps, requestOfOwner } from './owner-requests.js';
import { createRedactor, type Redactor, secretsFromEnv } from './redaction.js';
import { initialReplay, type ReplayedState, replay, requestedDecision } from './replay.js';
import {
  endedResult,
  type Opened,
  RunningHandle,
  type RunningSession,
  type SessionHandle,
  type SessionResult,
  sessionFromLog,
} from './running-session.js';
import { Semaphore } from './semaphore.js';
import { newSessionRecord } from './session-record.js';
import { interval } from './wall-timer.js';
import { WriteAheadRunner } from './write-ahead-runner.js';

export type { SessionHandle, SessionResult } from './running-session.js';

/** Events of {@link SessionHub.emitter}: `event` for every event, and each event under its own type. */
export type SessionHubEventMap = { event: [SessionEvent] } & {
  [K in SessionEventType]: [SessionEventOf<K>];
};

/** Options of `run`. */
export interface RunOptions {
  /** Aborting it cancels the session. */
  signal?: AbortSignal;
}

/** Options of `pause`. */
export interface PauseOptions {
  /** Aborting it stops waiting for the session to stop (the pause still takes effect). */
  signal?: AbortSignal;
}

/** How a stored session is opened: to cancel it, or to hand it a decision. */
interface OpenOptions extends RunOptions {
  cancel?: boolean;
  decide?: boolean;
}

/**
 * The write-ahead session engine. Create it with {@link createSessionHub}.
 *
 * One session's path: this class takes the call (`run`, `resume`, ...), opens the session (replays its log,
 * claims it) and starts it; `driveSession` (`drive-session.ts`) drives it on this engine until it ends or
 * stops; `runLifecycle` (`lifecycle.ts`) runs its steps in order; each step goes through
 * `WriteAheadRunner.step` (`write-ahead-runner.ts`), the session's only writer.
 *
 * Who drives a session: the engine holding its live claim (`session.claimed` in the log). An engine
 * claims a session when it runs or opens it (`run`, `resume`, `approve`, `reject`, `cancel`), renews
 * the claim while it runs it, and makes every write conditional on the last seq it knows, so a second
 * engine's write can never interleave. On another engine, `resume` is refused with `SessionStateError`
 * `session.owned_elsewhere` until the claim runs out (the owner died, or at once when it ran on this host
 * and its process is gone) or is released (the session paused); `approve`, `reject`, `cancel` and `pause`
 * are recorded in the log for the owner (`decision.requested`), which reads and applies them.
 */
export class SessionHub {
  /**
   * Every stored event of every session this engine runs, after redaction, in store order. A listener
   * that throws cannot break the engine (see `SessionHubOptions.onListenerError`).
   */
  readonly emitter: EventEmitter<SessionHubEventMap>;
  /** This engine's id in session claims. */
  readonly engineId: string;
  private readonly policy: ResolvedPolicy;
  private readonly redact: Redactor;
  private readonly semaphore: Semaphore;
  /** The sessions this engine drives, from their claim until they end or stop. */
  private readonly running = new Map<string, RunningSession>();
  private readonly loading = new Map<string, Promise<Opened>>();
  private readonly listeners: SessionListeners = new Map();
  private readonly now: () => number;
  /** What this engine lends every session it drives. */
  private readonly loan: EngineLoan;
  /** What asking another engine's session of something needs. */
  private readonly asking: RequestDeps;
  /** Renews the claims of the sessions running here (one timer per engine, while any runs). */
  private stopRenewing: (() => void) | undefined;

  constructor(private readonly options: SessionHubOptions) {
    checkPortVersions(options);
    this.policy = resolvePolicy(options.policy);
    const env = options.env ?? process.env;
    this.redact = createRedactor([...this.policy.secrets, ...(this.policy.redactEnv ? secretsFromEnv(env) : [])]);
    this.semaphore = new Semaphore(this.policy.concurrency);
    this.now = options.now ?? Date.now;
    this.engineId = options.engineId ?? crypto.randomUUID();
    this.loan = {
      options,
      policy: this.policy,
      redact: this.redact,
      semaphore: this.semaphore,
      now: this.now,
      notifyPaused: (id) => this.notifyPaused(id),
      forget: (id) => {
        this.running.delete(id);
        if (this.running.size === 0) {
          this.stopRenewing?.();
          this.stopRenewing = undefined;
        }
      },
    };
    this.asking = {
      store: options.store,
      redact: this.redact,
      engineId: this.engineId,
      now: this.now,
      policy: this.policy,
    };
    this.emitter = isolateListeners(new EventEmitter<SessionHubEventMap>(), (error, args) =>
      options.onListenerError?.(error, args[0] as SessionEvent),
    );
  }

  /**
   * Starts a session from a request, a stored template with variables, or an issue.
   * Resolves once the session is recorded; the work continues in the background.
   *
   * @throws {TemplateError} for an unknown template or a missing or wrongly typed variable.
   * @throws {BoundaryViolationError} / {InstructionFormatError} for a template that fails the linter.
   */
  async run(request: RunRequest, opts: RunOptions = {}): Promise<SessionHandle> {
    const session = await newSessionRecord(this.options.store, request, {
      newId: () => this.options.generateId?.() ?? crypto.randomUUID(),
      now: new Date(this.now()),
      lintRules: this.policy.lintRules,
      signal: opts.signal,
    });
    const { input } = session;
    await this.options.store.createSession(this.redact(session), opts);
    // `session.created` (with this engine's claim) is written with the first step's start, saving an
    // append; a session that crashes before that has no events yet and is resumed from its record.
    const replayed = initialReplay();
    replayed.input = input;
    const running = this.prepare(session, replayed, opts.signal);
    const requireApproval = this.policy.requireApproval;
    running.runner.record({ type: 'session.created', sessionId: session.id, input, requireApproval });
    this.start(running, opts.signal);
    return running.handle;
  }

  /**
   * Continues a session from its event log, on this or a fresh engine over the same store: finished
   * steps are not run again, the step in flight (if any) runs again under the same step id. A
   * session paused by a retryable `ProviderError` runs its interrupted step again; a session paused at
   * a budget stays paused (its handle resolves at once) until `approve(id, { raiseBudget })`.
   * Returns the running handle if this engine already runs the session (also while it loads).
   *
   * @throws {SessionStateError} `session.not_found`; `session.owned_elsewhere` while another engine's
   *   claim on the session is live.
   */
  async resume(id: string, opts: RunOptions = {}): Promise<SessionHandle> {
    const opened = await this.open(id, opts);
    return 'handle' in opened ? opened.handle : opened.running.handle;
  }

  /**
   * Cancels a session, running here or only in the store; resolves when it has ended (`cancelled`, or
   * as it ended on its own if it had already finished or committed its Foundation update). While another
   * live engine drives it, records the cancel for that engine (`decision.requested`) and resolves once the
   * request is durable: the owner then aborts the running step and ends the session. A `resume` of the session
   * still loading here is waited for first (it may leave a session paused at its budget stopped; it is then
   * opened again, to cancel it).
   *
   * @throws {SessionStateError} `session.not_found`; `session.owned_elsewhere` when another engine took it
   *   over while it was being cancelled here. Rejects with the store's error when nothing could be written.
   */
  async cancel(id: string): Promise<void> {
    await this.loadSettled(id);
    const opened = await this.openOrRequest(id, { cancel: true }, { kind: 'cancel' });
    if (opened === 'requested') return;
    if ('handle' in opened) {
      // Joined a plain resume's load, which left the session paused at its budget: open it to cancel it.
      if (await stoppedAtBudget(opened.handle)) await this.cancel(id);
      return;
    }
    opened.running.controller.abort(new CancelledError());
    // A store failure rejects here; a session another engine took over meanwhile was not cancelled.
    const { error } = await opened.running.handle.result;
    if (ownedElsewhere(error)) throw error;
    // Paused here just before the cancel reached it: it is stored now, and cancelled from there.
    if (SessionPausedError.isInstance(error)) await this.cancel(id);
  }

  /**
   * Pauses a session without ending it. On the engine that drives it: aborts the step in flight (its signal's
   * reason is a {@link SessionPausedError}), which gets its `step.failed` (it runs again on `resume`, as after
   * a crash), releases the claim (`session.released`, no `session.finished`), and resolves once that is
   * durable; the handle's `result` resolves with the session in the phase it was in and `error` the
   * `SessionPausedError` (also `session.error`, `session.paused`). A session waiting for approval pauses too.
   * While another live engine drives it, records the pause for that engine (`decision.requested` `pause`)
   * and resolves once the request is durable: recorded, not yet applied.
   *
   * @throws {SessionStateError} `session.not_found`; `session.invalid_state` for a session that has ended (also
   *   one that ended before the pause reached it); `session.not_running` when no engine drives it (it is
   *   paused already, or stopped with a crashed engine); `session.owned_elsewhere` when another engine took it
   *   over meanwhile.
   */
  async pause(id: string, opts: PauseOptions = {}): Promise<void> {
    opts.signal?.throwIfAborted();
    let running = this.running.get(id);
    const loading = this.loading.get(id);
    if (!running && loading) {
      // Being opened here: pause it once it runs (a load that fails leaves it to the checks below).
      const opened = await abortable(loading, opts.signal).catch(() => undefined);
      if (opened && 'running' in opened) running = opened.running;
      opts.signal?.throwIfAborted();
    }
    if (running) {
      running.controller.abort(new SessionPausedError());
      const { session, error } = await abortable(running.handle.result, opts.signal);
      if (ownedElsewhere(error)) throw error;
      if (isTerminal(session.state)) {
        throw new SessionStateError('session.invalid_state', `session ${id} ended (${session.state}) before it paused`);
      }
      return;
    }
    const session = await this.get(id, opts);
    if (!session) throw new SessionStateError('session.not_found', `session ${id} not found`);
    if (isTerminal(session.state)) {
      throw new SessionStateError('session.invalid_state', `session ${id} has ended (${session.state})`);
    }
    if (await requestOfOwner(this.asking, id, { kind: 'pause' })) return;
    throw new SessionStateError(
      'session.not_running',
      `session ${id} is not running on any engine (it is paused, or stopped with its engine); resume it to continue`,
    );
  }

  /**
   * Approves a session waiting in `awaiting_approval` (resuming it if no engine runs it). For a session
   * paused at a budget, `raiseBudget` gives its new limits. Resolves once the decision is in the store:
   * applied, on the engine that drives the session (or opens it here); recorded as `decision.requested`
   * for its owner, while another live engine drives it (the owner applies it within
   * `policy.decisionPollMs`). A `resume` of the session still loading here is waited for first (it may leave a
   * session paused at its budget stopped; it is then opened again, with the decision).
   *
   * @throws {SessionStateError} `session.not_found`; `session.invalid_state` when the session does not
   *   accept a decision (not waiting, being cancelled, ended, or another decision pending or requested);
   *   `budget.still_exceeded` when the raised limits leave it over budget.
   */
  approve(id: string, opts: ApproveOptions = {}): Promise<void> {
    return this.decide(id, opts.raiseBudget ? { approved: true, raiseBudget: opts.raiseBudget } : { approved: true });
  }

  /** Rejects a session's instruction (it fails with `approval.rejected`), or a budget pause (it fails with `budget.exceeded`). */
  reject(id: string, reason?: string): Promise<void> {
    return this.decide(id, reason ? { approved: false, reason } : { approved: false });
  }

  /** The session record, or `undefined`. */
  get(id: string, opts: RunOptions = {}): Promise<Session | undefined> {
    return this.options.store.getSession(id, opts);
  }

  /** A session's events: the stored log, then live ones until it ends or pauses, or the signal aborts. */
  events(id: string, opts: RunOptions = {}): AsyncIterable<SessionEvent> {
    return new SessionEventStream(this.options.store, this.listeners, id, opts.signal, this.isRunning);
  }

  /** Whether a session runs here (or is being opened here): its live events are still to come. */
  private readonly isRunning = (sessionId: string): boolean =>
    this.loading.has(sessionId) || (this.running.has(sessionId) && !this.running.get(sessionId)?.paused);

  /** Hands a stored event to this engine's listeners (one function for every session's runner). */
  private readonly emitEvent = (e: SessionEvent): void => this.emit(e);

  /** Resolves when no session runs on this engine. */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.loading.size > 0) {
      await Promise.allSettled([...this.running.values()].map((r) => r.handle.result));
      await Promise.allSettled([...this.loading.values()]);
    }
  }

  /** The session as this engine runs it, loading it from the store first if needed (once, however many callers). */
  private open(id: string, opts: OpenOptions): Promise<Opened> {
    const running = this.running.get(id);
    if (running) return Promise.resolve({ running });
    const loading = this.loading.get(id);
    if (loading) return loading;
    const opened = this.load(id, opts).finally(() => {
      if (this.loading.get(id) === opened) this.loading.delete(id);
    });
    this.loading.set(id, opened);
    return opened;
  }

  private async decide(id: string, decision: Decision): Promise<void> {
    if (decision.raiseBudget) validLimits(decision.raiseBudget);
    // A plain resume loading here leaves a session paused at its budget stopped, not opened for this decision.
    await this.loadSettled(id);
    let running = this.running.get(id);
    if (!running) {
      await this.checkStoredDecision(id, decision);
      const opened = await this.openOrRequest(id, { decide: true }, { kind: 'decide', decision });
      if (opened === 'requested') return;
      if ('handle' in opened) {
        // Joined a plain resume's load that started after the one waited for above: decide again.
        if (await stoppedAtBudget(opened.handle)) return this.decide(id, decision);
        const { session } = await opened.handle.result;
        throw new SessionStateError('session.invalid_state', `session ${id} has ended (${session.state})`);
      }
      running = opened.running;
    }
    checkDecision(running, decision, this.now());
    await running.decisions.offer(decision);
  }

  /**
   * Refuses, from the store and before the session is opened (and claimed) here, a decision it does not take:
   * it waits for none, a raise is not enough, or there is no budget pause to raise.
   */
  private async checkStoredDecision(id: string, decision: Decision): Promise<void> {
    const session = await this.get(id);
    if (!session) throw new SessionStateError('session.not_found', `session ${id} not found`);
    if (session.state !== 'awaiting_approval') {
      throw new SessionStateError('session.invalid_state', `session ${id} is ${session.state}, not awaiting approval`);
    }
    const replayed = replay(await this.options.store.readEvents(id));
    if (replayed.budgetWait && decision.approved) {
      const budgets = { ...this.policy.budgets, ...replayed.raisedBudgets, ...decision.raiseBudget };
      checkRaise(id, budgets, replayed.usage, this.now() - Date.parse(session.createdAt));
    } else if (!replayed.budgetWait && decision.raiseBudget) {
      throw new SessionStateError('session.invalid_state', `session ${id} is not paused at a budget`);
    }
  }

  /** Waits until no load of the session is in flight here (however it ends): it then runs here, or not at all. */
  private async loadSettled(id: string): Promise<void> {
    for (let loading = this.loading.get(id); loading; loading = this.loading.get(id)) {
      await loading.catch(() => undefined);
    }
  }

  /**
   * Opens a session to cancel it or hand it a decision; while another live engine drives it, records the
   * request in its log for that engine instead (`decision.requested`), and resolves `requested` once it is
   * durable.
   */
  private async openOrRequest(id: string, opts: OpenOptions, request: OwnerRequest): Promise<Opened | 'requested'> {
    for (let tries = 0; ; tries++) {
      try {
        return await this.open(id, opts);
      } catch (err) {
        if (!ownedElsewhere(err) || tries >= 2) throw err;
      }
      if (await requestOfOwner(this.asking, id, request)) return 'requested';
    }
  }

  private async load(id: string, opts: OpenOptions): Promise<Opened> {
    const stored = await this.options.store.getSession(id, opts);
    if (!stored) throw new SessionStateError('session.not_found', `session ${id} not found`);
    const replayed = replay(await this.options.store.readEvents(id, opts));
    if (replayed.terminal) {
      // The log is the truth: repair a record a crash left behind its final append.
      const { state, error } = replayed.terminal;
      const repaired =
        stored.state === state
          ? stored
          : await this.options.store.updateSession(id, {
              state,
              usage: replayed.usage,
              fixAttempts: replayed.fixAttempts,
              ...(error ? { error } : {}),
            });
      return { handle: this.stoppedHandle(endedResult(repaired, replayed)) };
    }
    const claim = replayed.claim;
    // A live claim of another engine blocks, unless its process is known to be gone (same host, pid dead).
    if (claim && heldElsewhere(claim, this.engineId, this.now())) {
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
      return { handle: this.stoppedHandle({ session: stored, error }) };
    }
    replayed.input ??= stored.input;
    const session = sessionFromLog(stored, replayed);
    const running = this.prepare(session, replayed, opts.signal);
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
    this.start(running, opts.signal);
    return { running };
  }

  /** The handle of a session that does not run here: its result is known. */
  private stoppedHandle(result: SessionResult): SessionHandle {
    return {
      id: result.session.id,
      events: this.events(result.session.id),
      result: Promise.resolve(result),
      cancel: () => undefined,
    };
  }

  /** Builds the in-memory session without starting it (or registering it as running here). */
  private prepare(session: Session, replayed: ReplayedState, signal?: AbortSignal): RunningSession {
    const controller = new AbortController();
    const budgets: SessionBudgets = { ...this.policy.budgets, ...replayed.raisedBudgets };
    let running: RunningSession | undefined;
    const runner = new WriteAheadRunner(
      {
        store: this.options.store,
        redact: this.redact,
        emit: this.emitEvent,
        now: this.now,
        budgets,
        controller,
        owner: this.engineId,
        leaseMs: this.policy.leaseMs,
        onRequest: (e) => {
          if (running) this.applyRequest(running, e);
        },
      },
      replayed,
      session,
    );
    let resolveResult!: (r: Promise<SessionResult>) => void;
    const result = new Promise<SessionResult>((resolve) => {
      resolveResult = resolve;
    });
    // A store failure rejects `result`; keep it from becoming an unhandled rejection when nobody awaits.
    result.catch(() => undefined);
    running = {
      handle: new RunningHandle(session.id, this.events(session.id), result, controller),
      controller,
      runner,
      decisions: new DecisionBox(session.id),
      budgets,
      requireApproval: replayed.requireApproval ?? this.policy.requireApproval,
      approvalDecided: replayed.approvalDecided === true || replayed.finished.has('approve:0'),
      ...(replayed.budgetWait ? { budgetWait: replayed.budgetWait } : {}),
      settle: resolveResult,
    };
    if (signal?.aborted) controller.abort(new CancelledError());
    return running;
  }

  /**
   * Applies a request another engine recorded for this session: a cancel or a pause aborts its work; a decision
   * is offered to it, or dropped when the session no longer takes one.
   */
  private applyRequest(running: RunningSession, e: SessionEventOf<'decision.requested'>): void {
    if (e.decision === 'cancel' || e.decision === 'pause') {
      const reason =
        e.decision === 'cancel'
          ? new CancelledError()
          : new SessionPausedError(`session paused by engine ${e.by}; resume it to continue`);
      running.controller.abort(reason);
      return;
    }
    const decision = requestedDecision(e);
    if (!decision) return;
    try {
      checkDecision(running, decision, this.now());
    } catch {
      return;
    }
    running.decisions.offer(decision).catch(() => undefined);
  }

  /** Registers a prepared session as running here and drives it in the background. */
  private start(running: RunningSession, signal?: AbortSignal): void {
    // Only now does it run here: until its claim is written, callers wait for the load instead.
    this.running.set(running.handle.id, running);
    // At most a second apart, so a claim lost during a stall is noticed soon after (also with a test clock).
    // It also reads each session's log tail for decisions made on other engines.
    this.stopRenewing ??= interval(Math.min(this.policy.leaseMs / 3, 1_000, this.policy.decisionPollMs), () => {
      for (const r of this.running.values()) {
        if (r.paused) continue;
        r.runner.renewClaim().catch(() => undefined);
        r.runner.pollRequests().catch(() => undefined);
      }
    });
    if (!signal) {
      running.settle(driveSession(this.loan, running));
      return;
    }
    const { controller } = running;
    const onAbort = () => controller.abort(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    running.settle(
      driveSession(this.loan, running).finally(() => {
        // The caller's signal may outlive the session (a server's): leave no listener on it.
        signal.removeEventListener('abort', onAbort);
      }),
    );
  }

  /** Ends the live event streams of a session that stopped: nothing more is written until a resume. */
  private notifyPaused(sessionId: string): void {
    const set = this.listeners.get(sessionId);
    if (set) for (const l of set) l(SESSION_PAUSED);
  }

  private emit(e: SessionEvent): void {
    const set = this.listeners.get(e.sessionId);
    if (set) for (const l of set) l(e);
    this.emitter.emit('event', e);
    (this.emitter.emit as (type: string, e: SessionEvent) => boolean)(e.type, e);
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

/** Creates the write-ahead session engine. See docs/engine.md. */
export function createSessionHub(options: SessionHubOptions): SessionHub {
  return new SessionHub(options);
}
