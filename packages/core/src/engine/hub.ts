import { EventEmitter } from 'eventemitter3';
import { CancelledError } from '../errors.js';
import type { SessionEvent, SessionEventOf, SessionEventType } from '../model/events.js';
import type { Session } from '../model/session.js';
import { checkPortVersions } from '../ports/check-versions.js';
import { applyOwnerRequest } from './apply-owner-request.js';
import { type RoutingDeps, routeCancel, routeDecision, routePause } from './call-routing.js';
import { DecisionBox } from './decisions.js';
import { driveSession, type EngineLoan } from './drive-session.js';
import { SESSION_PAUSED, SessionEventStream, type SessionListeners } from './event-stream.js';
import { isolateListeners } from './listener-isolation.js';
import { type OpeningDeps, type OpenOptions, openStoredSession } from './open-stored-session.js';
import {
  type ApproveOptions,
  type ResolvedPolicy,
  type RunRequest,
  resolvePolicy,
  type SessionBudgets,
  type SessionHubOptions,
} from './options.js';
import { createRedactor, type Redactor, secretsFromEnv } from './redaction.js';
import { initialReplay, type ReplayedState } from './replay.js';
import {
  type Opened,
  RunningHandle,
  type RunningSession,
  type SessionHandle,
  type SessionResult,
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

/** Options of `run`, `resume`, `get` and `events`. */
export interface RunOptions {
  /** Aborting it cancels the session. */
  signal?: AbortSignal;
}

/** Options of `run`. */
export interface StartOptions extends RunOptions {
  /**
   * The new session's id, instead of `generateId`'s: an idempotency key for a caller that may start the same work
   * twice (a job taken over by another process after its lease ran out). When a session with this id is already
   * stored, `run` rejects with the store's `StoreError` `store.conflict` and changes nothing: `resume` it instead.
   */
  sessionId?: string;
}

/** Options of `pause`. */
export interface PauseOptions {
  /** Aborting it stops waiting for the session to stop (the pause still takes effect). */
  signal?: AbortSignal;
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
  /** What opening a stored session needs (`open-stored-session.ts`). */
  private readonly opening: OpeningDeps;
  /** What routing a call to a session, here or to its owner, needs (`call-routing.ts`). */
  private readonly routing: RoutingDeps;
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
    this.opening = {
      store: options.store,
      engineId: this.engineId,
      now: this.now,
      prepare: (session, replayed, signal) => this.prepare(session, replayed, signal),
      start: (running, signal) => this.start(running, signal),
      events: (id) => this.events(id),
    };
    this.routing = {
      store: options.store,
      redact: this.redact,
      engineId: this.engineId,
      now: this.now,
      policy: this.policy,
      running: this.running,
      loading: this.loading,
      open: (id, opts) => this.open(id, opts),
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
   * @throws {StoreError} `store.conflict` when `opts.sessionId` names a stored session.
   */
  async run(request: RunRequest, opts: StartOptions = {}): Promise<SessionHandle> {
    const session = await newSessionRecord(this.options.store, request, {
      newId: () => opts.sessionId ?? this.options.generateId?.() ?? crypto.randomUUID(),
      now: new Date(this.now()),
      lintRules: this.policy.lintRules,
      signal: opts.signal,
    });
    const { input } = session;
    await this.options.store.createSession(this.redact(session), { signal: opts.signal });
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
  cancel(id: string): Promise<void> {
    return routeCancel(this.routing, id);
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
  pause(id: string, opts: PauseOptions = {}): Promise<void> {
    return routePause(this.routing, id, opts);
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
    const decision = opts.raiseBudget ? { approved: true, raiseBudget: opts.raiseBudget } : { approved: true };
    return routeDecision(this.routing, id, decision);
  }

  /** Rejects a session's instruction (it fails with `approval.rejected`), or a budget pause (it fails with `budget.exceeded`). */
  reject(id: string, reason?: string): Promise<void> {
    return routeDecision(this.routing, id, reason ? { approved: false, reason } : { approved: false });
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
    const opened = openStoredSession(this.opening, id, opts).finally(() => {
      if (this.loading.get(id) === opened) this.loading.delete(id);
    });
    this.loading.set(id, opened);
    return opened;
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
          if (running) applyOwnerRequest(running, e, this.now);
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

/** Creates the write-ahead session engine. See docs/engine.md. */
export function createSessionHub(options: SessionHubOptions): SessionHub {
  return new SessionHub(options);
}
