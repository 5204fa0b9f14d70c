import { EventEmitter } from 'eventemitter3';
import {
  BudgetExceededError,
  CancelledError,
  ProviderError,
  SessionHubError,
  SessionStateError,
  StoreError,
  TemplateError,
} from '../errors.js';
import type { BudgetBreach, SessionEvent, SessionEventOf, SessionEventType } from '../model/events.js';
import type { ExecutionReport, Verdict } from '../model/report.js';
import type { Session, SessionInput } from '../model/session.js';
import { emptyUsage } from '../model/usage.js';
import { checkPortVersions } from '../ports/check-versions.js';
import { checkError, checkInstruction } from './boundary.js';
import { checkBudgets } from './budgets.js';
import { type Decision, DecisionBox } from './decisions.js';
import { DurabilityError, toSessionHubError } from './errors.js';
import { SESSION_PAUSED, type SessionListeners, sessionEvents } from './event-stream.js';
import { isolateListeners } from './listener-isolation.js';
import {
  type ApprovalDecision,
  type ApproveOptions,
  type ResolvedPolicy,
  type RunRequest,
  resolvePolicy,
  type SessionBudgets,
  type SessionHubOptions,
} from './options.js';
import { createRedactor, type Redactor, secretsFromEnv } from './redaction.js';
import { initialReplay, type ReplayedState, replay } from './replay.js';
import { SessionResources } from './resources.js';
import { Semaphore } from './semaphore.js';
import { driveSession, type SessionOutcome } from './session-driver.js';
import { fillTemplate } from './templates.js';
import { interval, longTimer } from './wall-timer.js';
import { WriteAheadRunner } from './write-ahead-runner.js';

/**
 * How a session ended or paused. `result` resolves with this for every succeeded, failed or
 * cancelled session; for a session paused by a retryable {@link ProviderError} (its state stays
 * the phase it was in, `error` is set; `resume(id)` runs the interrupted step again); for a session
 * paused at a budget (state `awaiting_approval`, `error` a {@link BudgetExceededError};
 * `approve(id, { raiseBudget })` continues it); and for a session another engine took over (`error`
 * a `SessionStateError` `session.owned_elsewhere`). It rejects only when the store itself fails (the
 * session can then be resumed).
 */
export interface SessionResult {
  /** The session record as last written. */
  session: Session;
  /** Why the session failed, was cancelled or paused (a retryable `ProviderError`). */
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

/** Events of {@link SessionHub.emitter}: `event` for every event, and each event under its own type. */
export type SessionHubEventMap = { event: [SessionEvent] } & {
  [K in SessionEventType]: [SessionEventOf<K>];
};

/** Options of `run`. */
export interface RunOptions {
  /** Aborting it cancels the session. */
  signal?: AbortSignal;
}

/** How a stored session is opened: to cancel it, or to hand it a decision. */
interface OpenOptions extends RunOptions {
  cancel?: boolean;
  decide?: boolean;
}

/** A session this engine runs. */
interface ActiveSession {
  handle: SessionHandle;
  controller: AbortController;
  runner: WriteAheadRunner;
  decisions: DecisionBox;
  /** The session's budgets: the policy's, with the limits raised for it. */
  budgets: SessionBudgets;
  /** The budget the session is paused at (opened to decide on it). */
  budgetWait?: BudgetBreach;
  /** Set when `reject` refused to raise the budget: the session fails instead of pausing again. */
  budgetRejected?: boolean;
  /** Whether the initial plan's approval was decided. */
  approvalDecided: boolean;
  /** Set once the session stopped without finishing (paused or taken over): it writes nothing more. */
  paused?: boolean;
  /** Settles `handle.result` with the drive's outcome. */
  settle: (result: Promise<SessionResult>) => void;
}

/** What opening a session gives: the session running here, or a handle of a session that does not run. */
type Opened = { active: ActiveSession } | { handle: SessionHandle };

/**
 * The write-ahead session engine. Create it with {@link createSessionHub}.
 *
 * Who drives a session: the engine holding its live claim (`session.claimed` in the log). An engine
 * claims a session when it runs or opens it (`run`, `resume`, `approve`, `reject`, `cancel`), renews
 * the claim while it runs it, and makes every write conditional on the last seq it knows, so a second
 * engine's write can never interleave. On another engine, those calls are refused with
 * `SessionStateError` `session.owned_elsewhere` until the claim runs out (the owner died) or is
 * released (the session paused).
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
  private readonly active = new Map<string, ActiveSession>();
  private readonly loading = new Map<string, Promise<Opened>>();
  private readonly listeners: SessionListeners = new Map();
  private readonly now: () => number;

  constructor(private readonly options: SessionHubOptions) {
    checkPortVersions(options);
    this.policy = resolvePolicy(options.policy);
    const env = options.env ?? process.env;
    this.redact = createRedactor([...this.policy.secrets, ...(this.policy.redactEnv ? secretsFromEnv(env) : [])]);
    this.semaphore = new Semaphore(this.policy.concurrency);
    this.now = options.now ?? Date.now;
    this.engineId = options.engineId ?? crypto.randomUUID();
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
    let input: SessionInput;
    let templateId: string | undefined;
    if ('template' in request) {
      const template = await this.options.store.getTemplate(request.template, opts);
      if (!template) throw new TemplateError('template.not_found', `template "${request.template}" not found`);
      const check = checkInstruction(fillTemplate(template, request.variables), this.policy.lintRules);
      if (!check.ok) throw checkError(check);
      input = { kind: 'template', template: template.id, variables: request.variables ?? {} };
      templateId = template.id;
    } else if ('issue' in request) {
      input = { kind: 'issue', issue: request.issue };
    } else {
      if (typeof request.request !== 'string' || request.request.trim() === '') {
        throw new SessionHubError('session.invalid_input', 'a request must be a non-empty string');
      }
      input = { kind: 'request', request: request.request };
    }
    const at = new Date(this.now()).toISOString();
    const session: Session = {
      id: this.options.generateId?.() ?? crypto.randomUUID(),
      state: 'created',
      input,
      createdAt: at,
      updatedAt: at,
      tags: request.tags ?? [],
      usage: emptyUsage(),
      fixAttempts: 0,
      ...(templateId ? { templateId } : {}),
    };
    await this.options.store.createSession(this.redact(session), opts);
    // `session.created` (with this engine's claim) is written with the first step's start, saving an
    // append; a session that crashes before that has no events yet and is resumed from its record.
    const replayed = initialReplay();
    replayed.input = input;
    const active = this.prepare(session, replayed, opts.signal);
    active.runner.record({ type: 'session.created', sessionId: session.id, input });
    this.start(active, opts.signal);
    return active.handle;
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
    return 'handle' in opened ? opened.handle : opened.active.handle;
  }

  /**
   * Cancels a session, running here or only in the store; resolves when it has ended (`cancelled`, or
   * as it ended on its own if it had already finished or committed its Foundation update).
   *
   * @throws {SessionStateError} `session.not_found`; `session.owned_elsewhere` while another engine runs it
   *   (or took it over meanwhile). Rejects with the store's error when the ending could not be written.
   */
  async cancel(id: string): Promise<void> {
    const opened = await this.open(id, { cancel: true });
    if ('handle' in opened) return;
    opened.active.controller.abort(new CancelledError());
    // A store failure rejects here; a session another engine took over meanwhile was not cancelled.
    const { error } = await opened.active.handle.result;
    if (SessionStateError.isInstance(error) && error.code === 'session.owned_elsewhere') throw error;
  }

  /**
   * Approves a session waiting in `awaiting_approval` (resuming it if no engine runs it). For a session
   * paused at a budget, `raiseBudget` gives its new limits. Resolves once the decision is in the store.
   *
   * @throws {SessionStateError} `session.not_found`; `session.invalid_state` when the session does not
   *   accept a decision (not waiting, being cancelled, ended, or another decision pending);
   *   `budget.still_exceeded` when the raised limits leave it over budget; `session.owned_elsewhere`
   *   while another engine runs it.
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
    const running = (sessionId: string) =>
      this.loading.has(sessionId) || (this.active.has(sessionId) && !this.active.get(sessionId)?.paused);
    return {
      [Symbol.asyncIterator]: () => sessionEvents(this.options.store, this.listeners, id, opts.signal, running),
    };
  }

  /** Resolves when no session runs on this engine. */
  async idle(): Promise<void> {
    while (this.active.size > 0 || this.loading.size > 0) {
      await Promise.allSettled([...this.active.values()].map((a) => a.handle.result));
      await Promise.allSettled([...this.loading.values()]);
    }
  }

  /** The session as this engine runs it, loading it from the store first if needed (once, however many callers). */
  private open(id: string, opts: OpenOptions): Promise<Opened> {
    const active = this.active.get(id);
    if (active) return Promise.resolve({ active });
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
    let active = this.active.get(id);
    if (!active && !this.loading.has(id)) {
      const session = await this.get(id);
      if (!session) throw new SessionStateError('session.not_found', `session ${id} not found`);
      if (session.state !== 'awaiting_approval') {
        throw new SessionStateError(
          'session.invalid_state',
          `session ${id} is ${session.state}, not awaiting approval`,
        );
      }
    }
    if (!active) {
      const opened = await this.open(id, { decide: true });
      if ('handle' in opened) {
        const { session } = await opened.handle.result;
        throw new SessionStateError(
          'session.invalid_state',
          `session ${id} is ${session.state}, not awaiting approval`,
        );
      }
      active = opened.active;
    }
    this.checkDecision(active, decision);
    await active.decisions.offer(decision);
  }

  /** Refuses a decision the session cannot take now. */
  private checkDecision(active: ActiveSession, decision: Decision): void {
    const id = active.handle.id;
    if (active.controller.signal.aborted || active.paused) {
      throw new SessionStateError('session.invalid_state', `session ${id} is being cancelled or has stopped`);
    }
    if (active.budgetWait) {
      if (!decision.approved) return;
      const budgets = { ...active.budgets, ...decision.raiseBudget };
      try {
        checkBudgets(budgets, active.runner.session.usage, this.now() - Date.parse(active.runner.session.createdAt));
      } catch (err) {
        throw new SessionStateError(
          'budget.still_exceeded',
          `session ${id} would still be over budget: ${(err as Error).message}; raise the limit further`,
        );
      }
      return;
    }
    if (decision.raiseBudget) {
      throw new SessionStateError('session.invalid_state', `session ${id} is not paused at a budget`);
    }
    const waitingOrBefore = ['created', 'planning', 'awaiting_approval'].includes(active.runner.state);
    if (!this.policy.requireApproval || active.approvalDecided || !waitingOrBefore) {
      throw new SessionStateError(
        'session.invalid_state',
        `session ${id} is ${active.runner.state}, not awaiting approval`,
      );
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
      return { handle: this.finishedHandle(repaired, replayed) };
    }
    const claim = replayed.claim;
    if (claim && claim.owner !== this.engineId && claim.until > this.now()) {
      throw new SessionStateError(
        'session.owned_elsewhere',
        `session ${id} is run by engine ${claim.owner} until ${new Date(claim.until).toISOString()}; ` +
          'use that engine, or retry once its claim has run out',
      );
    }
    if (replayed.budgetWait && !opts.decide && !opts.cancel) {
      // Paused at a budget: nothing runs until someone decides.
      const error = budgetError(replayed.budgetWait);
      return { handle: this.stoppedHandle({ session: stored, error }) };
    }
    replayed.input ??= stored.input;
    const session: Session = {
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
    const active = this.prepare(session, replayed, opts.signal);
    if (!replayed.lastSeq) active.runner.record({ type: 'session.created', sessionId: id, input: stored.input });
    // A paused session being resumed: its outage error no longer describes it.
    if (session.error && !replayed.budgetWait) active.runner.clearError();
    // Claim the session before anything runs: if another engine claimed it meanwhile, this write fails.
    try {
      await active.runner.claimNow();
    } catch (err) {
      this.active.delete(id);
      if (StoreError.isInstance(err) && err.code === 'store.conflict') {
        throw new SessionStateError('session.owned_elsewhere', `session ${id} was claimed by another engine meanwhile`);
      }
      throw err;
    }
    // Opened to cancel it: nothing of it runs again.
    if (opts.cancel) active.controller.abort(new CancelledError());
    this.start(active, opts.signal);
    return { active };
  }

  private finishedHandle(session: Session, replayed: ReplayedState): SessionHandle {
    const info = replayed.terminal?.error;
    const result: SessionResult = info ? { session, error: new SessionHubError(info.code, info.message) } : { session };
    for (const [stepId, output] of replayed.finished) {
      if (stepId.startsWith('execute:')) result.report = output as ExecutionReport;
      if (stepId.startsWith('verify:')) result.verdict = output as Verdict;
    }
    return this.stoppedHandle(result);
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

  /** Builds the in-memory session (registered as running here) without starting it. */
  private prepare(session: Session, replayed: ReplayedState, signal?: AbortSignal): ActiveSession {
    const controller = new AbortController();
    const budgets: SessionBudgets = { ...this.policy.budgets, ...replayed.raisedBudgets };
    const runner = new WriteAheadRunner(
      {
        store: this.options.store,
        redact: this.redact,
        emit: (e) => this.emit(e),
        now: this.now,
        budgets,
        signal: controller.signal,
        abort: (reason) => controller.abort(reason),
        owner: this.engineId,
        leaseMs: this.policy.leaseMs,
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
    const active: ActiveSession = {
      handle: {
        id: session.id,
        events: this.events(session.id),
        result,
        cancel: () => controller.abort(new CancelledError()),
      },
      controller,
      runner,
      decisions: new DecisionBox(session.id),
      budgets,
      approvalDecided: replayed.approvalDecided === true || replayed.finished.has('approve:0'),
      ...(replayed.budgetWait ? { budgetWait: replayed.budgetWait } : {}),
      settle: resolveResult,
    };
    this.active.set(session.id, active);
    if (signal?.aborted) controller.abort(new CancelledError());
    return active;
  }

  /** Starts driving a prepared session in the background. */
  private start(active: ActiveSession, signal?: AbortSignal): void {
    const { controller } = active;
    const onAbort = () => controller.abort(new CancelledError());
    signal?.addEventListener('abort', onAbort, { once: true });
    active.settle(
      this.execute(active).finally(() => {
        // The caller's signal may outlive the session (a server's): leave no listener on it.
        signal?.removeEventListener('abort', onAbort);
      }),
    );
  }

  private async execute(active: ActiveSession): Promise<SessionResult> {
    const { controller, runner } = active;
    const signal = controller.signal;
    const resources = new SessionResources(this.options, () => runner.session, signal);
    const outcome: SessionOutcome = {};
    let stopWallTimer: (() => void) | undefined;
    const stopRenewing = interval(this.policy.leaseMs / 3, () => {
      runner.renewClaim().catch(() => undefined);
    });
    let acquired = false;
    let error: SessionHubError | undefined;
    try {
      try {
        await this.semaphore.acquire(signal);
        acquired = true;
        if (active.budgetWait) await this.decideBudget(active);
        stopWallTimer = this.wallTimer(active);
        await driveSession({
          options: this.options,
          policy: this.policy,
          runner,
          resources,
          outcome,
          redact: this.redact,
          // A session waiting for a human gives its slot to queued sessions meanwhile.
          waitForApproval: async (text, s) => {
            this.semaphore.release();
            acquired = false;
            try {
              return await this.waitForApproval(active, runner.session, text, s);
            } finally {
              await this.semaphore.acquire(signal);
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
      const breach = error && !active.budgetRejected ? this.pausingBreach(error) : undefined;
      if (error && breach) {
        active.paused = true;
        await runner.pauseForBudget(breach, error);
        this.notifyPaused(runner.sessionId);
      } else if (error && !signal.aborted && resumableOutage(error) && runner.currentStep) {
        // A provider outage outlasted the SDK's retries: keep the session resumable instead of failing it.
        active.paused = true;
        await runner.pause(error);
        this.notifyPaused(runner.sessionId);
      } else {
        await runner.finish(error ? (CancelledError.isInstance(error) ? 'cancelled' : 'failed') : 'succeeded', error);
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
        this.notifyPaused(runner.sessionId);
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
      stopRenewing();
      active.decisions.close(`session ${runner.sessionId} stopped before the decision was recorded`);
      await resources.dispose();
      if (acquired) this.semaphore.release();
      this.active.delete(runner.sessionId);
    }
  }

  /** The budget a failure is, when policy pauses sessions at it (token, cost and wall-time budgets). */
  private pausingBreach(error: SessionHubError): BudgetBreach | undefined {
    if (this.policy.onBudgetExceeded !== 'pause' || !BudgetExceededError.isInstance(error)) return undefined;
    const e = error as BudgetExceededError;
    if (e.budget === 'fix_attempts') return undefined;
    return { budget: e.budget, limit: e.limit, actual: e.actual };
  }

  /** A session opened at a budget pause takes its decision first: raised limits go on, a rejection fails it. */
  private async decideBudget(active: ActiveSession): Promise<void> {
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
  private wallTimer(active: ActiveSession): (() => void) | undefined {
    const limit = active.budgets.wallTimeMs;
    if (limit === undefined) return undefined;
    const started = Date.parse(active.runner.session.createdAt);
    return longTimer(started + limit - this.now() + 1, () => {
      const elapsed = this.now() - started;
      active.controller.abort(new BudgetExceededError('wall_time', limit, elapsed));
    });
  }

  private async waitForApproval(
    active: ActiveSession,
    session: Session,
    instructionText: string,
    signal: AbortSignal,
  ): Promise<{ approved: boolean; reason?: string }> {
    const onApproval = this.options.onApproval;
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

/** The error of a budget pause, rebuilt from the log. */
function budgetError(breach: BudgetBreach): BudgetExceededError {
  return new BudgetExceededError(breach.budget, breach.limit, breach.actual);
}

/** Refuses budget limits that are not numbers ≥ 0. */
function validLimits(budgets: SessionBudgets): void {
  for (const [name, value] of Object.entries(budgets)) {
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0) || Number.isNaN(value))) {
      throw new SessionStateError('session.invalid_input', `raiseBudget.${name} must be a number >= 0, got ${value}`);
    }
  }
}
