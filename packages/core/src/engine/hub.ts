import { EventEmitter } from 'eventemitter3';
import { CancelledError, SessionHubError, SessionStateError, StoreError, TemplateError } from '../errors.js';
import type { NewSessionEvent, SessionEvent, SessionEventOf, SessionEventType } from '../model/events.js';
import type { ExecutionReport, Verdict } from '../model/report.js';
import type { Session, SessionInput } from '../model/session.js';
import { emptyUsage } from '../model/usage.js';
import { checkPortVersions } from '../ports/check-versions.js';
import type { ActiveSession, Opened, SessionHandle, SessionResult } from './active-session.js';
import { checkError, checkInstruction } from './boundary.js';
import { budgetError } from './budgets.js';
import { holderIsDead } from './claim-holder.js';
import { checkDecision, checkRaise, type Decision, DecisionBox, validLimits } from './decisions.js';
import { SESSION_PAUSED, type SessionListeners, sessionEvents } from './event-stream.js';
import { isolateListeners } from './listener-isolation.js';
import {
  type ApproveOptions,
  type ResolvedPolicy,
  type RunRequest,
  resolvePolicy,
  type SessionBudgets,
  type SessionHubOptions,
} from './options.js';
import { createRedactor, type Redactor, secretsFromEnv } from './redaction.js';
import { applyEvent, initialReplay, type ReplayedState, replay, requestedDecision } from './replay.js';
import { Semaphore } from './semaphore.js';
import { type EngineParts, runSession } from './session-run.js';
import { fillTemplate } from './templates.js';
import { interval } from './wall-timer.js';
import { WriteAheadRunner } from './write-ahead-runner.js';

export type { SessionHandle, SessionResult } from './active-session.js';

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

/**
 * The write-ahead session engine. Create it with {@link createSessionHub}.
 *
 * Who drives a session: the engine holding its live claim (`session.claimed` in the log). An engine
 * claims a session when it runs or opens it (`run`, `resume`, `approve`, `reject`, `cancel`), renews
 * the claim while it runs it, and makes every write conditional on the last seq it knows, so a second
 * engine's write can never interleave. On another engine, `resume` is refused with `SessionStateError`
 * `session.owned_elsewhere` until the claim runs out (the owner died, or at once when it ran on this host
 * and its process is gone) or is released (the session paused); `approve`, `reject` and `cancel` are
 * recorded in the log for the owner (`decision.requested`), which reads and applies them.
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
  /** What a running session needs from this engine. */
  private readonly parts: EngineParts;
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
    this.parts = {
      options,
      policy: this.policy,
      redact: this.redact,
      semaphore: this.semaphore,
      now: this.now,
      notifyPaused: (id) => this.notifyPaused(id),
      forget: (id) => {
        this.active.delete(id);
        if (this.active.size === 0) {
          this.stopRenewing?.();
          this.stopRenewing = undefined;
        }
      },
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
   * as it ended on its own if it had already finished or committed its Foundation update). While another
   * live engine drives it, records the cancel for that engine (`decision.requested`) and resolves once the
   * request is durable: the owner then aborts the running step and ends the session.
   *
   * @throws {SessionStateError} `session.not_found`; `session.owned_elsewhere` when another engine took it
   *   over while it was being cancelled here. Rejects with the store's error when nothing could be written.
   */
  async cancel(id: string): Promise<void> {
    const opened = await this.openOrRequest(id, { cancel: true }, undefined);
    if (opened === 'requested' || 'handle' in opened) return;
    opened.active.controller.abort(new CancelledError());
    // A store failure rejects here; a session another engine took over meanwhile was not cancelled.
    const { error } = await opened.active.handle.result;
    if (SessionStateError.isInstance(error) && error.code === 'session.owned_elsewhere') throw error;
  }

  /**
   * Approves a session waiting in `awaiting_approval` (resuming it if no engine runs it). For a session
   * paused at a budget, `raiseBudget` gives its new limits. Resolves once the decision is in the store:
   * applied, on the engine that drives the session (or opens it here); recorded as `decision.requested`
   * for its owner, while another live engine drives it (the owner applies it within
   * `policy.decisionPollMs`).
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
      // Refused before the session is opened (and claimed) here: a raise that is not enough, or no pause to raise.
      const replayed = replay(await this.options.store.readEvents(id));
      if (replayed.budgetWait && decision.approved) {
        const budgets = { ...this.policy.budgets, ...replayed.raisedBudgets, ...decision.raiseBudget };
        checkRaise(id, budgets, replayed.usage, this.now() - Date.parse(session.createdAt));
      } else if (!replayed.budgetWait && decision.raiseBudget) {
        throw new SessionStateError('session.invalid_state', `session ${id} is not paused at a budget`);
      }
    }
    if (!active) {
      const opened = await this.openOrRequest(id, { decide: true }, decision);
      if (opened === 'requested') return;
      if ('handle' in opened) {
        const { session } = await opened.handle.result;
        throw new SessionStateError(
          'session.invalid_state',
          `session ${id} is ${session.state}, not awaiting approval`,
        );
      }
      active = opened.active;
    }
    checkDecision(active, decision, this.policy.requireApproval, this.now());
    await active.decisions.offer(decision);
  }

  /**
   * Opens a session to cancel it or hand it a decision; while another live engine drives it, records the
   * decision in its log for that engine instead (`decision.requested`), and resolves `requested` once it is
   * durable. `decision` undefined means cancel.
   */
  private async openOrRequest(
    id: string,
    opts: OpenOptions,
    decision: Decision | undefined,
  ): Promise<Opened | 'requested'> {
    for (let tries = 0; ; tries++) {
      try {
        return await this.open(id, opts);
      } catch (err) {
        if (!ownedElsewhere(err) || tries >= 2) throw err;
      }
      if (await this.request(id, decision)) return 'requested';
    }
  }

  /**
   * Appends a decision request for the engine that holds the session's live claim, conditionally on the
   * log it read (so it never lands after the session's ending or a release); re-reads and retries when the
   * owner wrote meanwhile. Returns false when no other live engine holds the session (open it here instead).
   */
  private async request(id: string, decision: Decision | undefined): Promise<boolean> {
    const store = this.options.store;
    const r = replay(await store.readEvents(id));
    for (let tries = 0; tries < 100; tries++) {
      if (r.terminal) {
        if (!decision) return true;
        throw new SessionStateError('session.invalid_state', `session ${id} has ended (${r.terminal.state})`);
      }
      const claim = r.claim;
      const foreign = claim && claim.owner !== this.engineId && claim.until > this.now() && !holderIsDead(claim.holder);
      if (!foreign) return false;
      if (decision) checkRequest(id, decision, r, this.policy);
      const event: NewSessionEvent = decision
        ? {
            type: 'decision.requested',
            sessionId: id,
            decision: decision.approved ? 'approve' : 'reject',
            by: this.engineId,
            ...(decision.reason ? { reason: decision.reason } : {}),
            ...(decision.raiseBudget ? { raiseBudget: decision.raiseBudget } : {}),
          }
        : { type: 'decision.requested', sessionId: id, decision: 'cancel', by: this.engineId };
      try {
        await store.appendEvents(id, [this.redact(event)], { expectedSeq: r.lastSeq });
        return true;
      } catch (err) {
        if (!(StoreError.isInstance(err) && err.code === 'store.conflict')) throw err;
      }
      for (const e of await store.readEvents(id, { fromSeq: r.lastSeq + 1 })) applyEvent(r, e);
    }
    throw new SessionStateError(
      'session.owned_elsewhere',
      `session ${id}: the decision could not be recorded, its owner kept writing; try again`,
    );
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
    // A live claim of another engine blocks, unless its process is known to be gone (same host, pid dead).
    if (claim && claim.owner !== this.engineId && claim.until > this.now() && !holderIsDead(claim.holder)) {
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
      if (StoreError.isInstance(err) && err.code === 'store.conflict') {
        throw new SessionStateError('session.owned_elsewhere', `session ${id} was claimed by another engine meanwhile`);
      }
      throw err;
    }
    // Opened to cancel it: nothing of it runs again.
    if (opts.cancel || replayed.cancelRequested) active.controller.abort(new CancelledError());
    if (requested && !opts.decide) active.decisions.offer(requested).catch(() => undefined);
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

  /** Builds the in-memory session without starting it (or registering it as running here). */
  private prepare(session: Session, replayed: ReplayedState, signal?: AbortSignal): ActiveSession {
    const controller = new AbortController();
    const budgets: SessionBudgets = { ...this.policy.budgets, ...replayed.raisedBudgets };
    let active: ActiveSession | undefined;
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
        onRequest: (e) => {
          if (active) this.applyRequest(active, e);
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
    active = {
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
    if (signal?.aborted) controller.abort(new CancelledError());
    return active;
  }

  /** Applies a decision another engine recorded for this session; one the session no longer takes is dropped. */
  private applyRequest(active: ActiveSession, e: SessionEventOf<'decision.requested'>): void {
    const decision = requestedDecision(e);
    if (!decision) {
      active.controller.abort(new CancelledError());
      return;
    }
    try {
      checkDecision(active, decision, this.policy.requireApproval, this.now());
    } catch {
      return;
    }
    active.decisions.offer(decision).catch(() => undefined);
  }

  /** Registers a prepared session as running here and drives it in the background. */
  private start(active: ActiveSession, signal?: AbortSignal): void {
    // Only now does it run here: until its claim is written, callers wait for the load instead.
    this.active.set(active.handle.id, active);
    // At most a second apart, so a claim lost during a stall is noticed soon after (also with a test clock).
    // It also reads each session's log tail for decisions made on other engines.
    this.stopRenewing ??= interval(Math.min(this.policy.leaseMs / 3, 1_000, this.policy.decisionPollMs), () => {
      for (const a of this.active.values()) {
        if (a.paused) continue;
        a.runner.renewClaim().catch(() => undefined);
        a.runner.pollRequests().catch(() => undefined);
      }
    });
    const { controller } = active;
    const onAbort = () => controller.abort(new CancelledError());
    signal?.addEventListener('abort', onAbort, { once: true });
    active.settle(
      runSession(this.parts, active).finally(() => {
        // The caller's signal may outlive the session (a server's): leave no listener on it.
        signal?.removeEventListener('abort', onAbort);
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

function ownedElsewhere(err: unknown): boolean {
  return SessionStateError.isInstance(err) && (err as SessionStateError).code === 'session.owned_elsewhere';
}

/** Refuses a requested decision the session, as its log stands, does not accept (as `checkDecision` does). */
function checkRequest(id: string, decision: Decision, r: ReplayedState, policy: ResolvedPolicy): void {
  if (r.requested) {
    throw new SessionStateError('session.invalid_state', `session ${id} already has a decision requested`);
  }
  if (r.cancelRequested) throw new SessionStateError('session.invalid_state', `session ${id} is being cancelled`);
  // A raise was checked against the session's usage before (`decide`).
  if (r.budgetWait) return;
  if (decision.raiseBudget)
    throw new SessionStateError('session.invalid_state', `session ${id} is not paused at a budget`);
  if (!policy.requireApproval || r.approvalDecided || r.state !== 'awaiting_approval') {
    throw new SessionStateError('session.invalid_state', `session ${id} is ${r.state}, not awaiting approval`);
  }
}

/** Creates the write-ahead session engine. See docs/engine.md. */
export function createSessionHub(options: SessionHubOptions): SessionHub {
  return new SessionHub(options);
}
