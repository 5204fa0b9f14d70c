import { EventEmitter } from 'eventemitter3';
import {
  BudgetExceededError,
  CancelledError,
  ProviderError,
  SessionHubError,
  SessionStateError,
  TemplateError,
} from '../errors.js';
import type { NewSessionEvent, SessionEvent, SessionEventOf, SessionEventType } from '../model/events.js';
import type { ExecutionReport, Verdict } from '../model/report.js';
import type { Session, SessionInput } from '../model/session.js';
import { emptyUsage } from '../model/usage.js';
import { checkPortVersions } from '../ports/check-versions.js';
import { checkError, checkInstruction } from './boundary.js';
import { DurabilityError, toSessionHubError } from './errors.js';
import { SESSION_PAUSED, type SessionListeners, sessionEvents } from './event-stream.js';
import {
  type ApprovalDecision,
  type ResolvedPolicy,
  type RunRequest,
  resolvePolicy,
  type SessionHubOptions,
} from './options.js';
import { createRedactor, type Redactor, secretsFromEnv } from './redaction.js';
import { initialReplay, type ReplayedState, replay } from './replay.js';
import { SessionResources } from './resources.js';
import { Semaphore } from './semaphore.js';
import { driveSession, type SessionOutcome } from './session-driver.js';
import { StepRunner } from './step-runner.js';
import { fillTemplate } from './templates.js';

/**
 * How a session ended or paused. `result` resolves with this for every succeeded, failed or
 * cancelled session, and for a session paused by a retryable {@link ProviderError} (its state stays
 * the phase it was in, `error` is set; `resume(id)` runs the interrupted step again). It rejects
 * only when the store itself fails (the session can then be resumed).
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

/** How a stored session is opened: to cancel it, or with an approval decision made before it runs. */
interface OpenOptions extends RunOptions {
  cancelled?: boolean;
  preset?: { approved: boolean; reason?: string };
}

interface ActiveSession {
  handle: SessionHandle;
  controller: AbortController;
  state: () => Session['state'];
  approval?: { resolve: (d: { approved: boolean; reason?: string }) => void };
  preset?: { approved: boolean; reason?: string };
  /** Set once the session pauses after a retryable provider failure: it writes nothing more. */
  paused?: boolean;
}

/** The write-ahead session engine. Create it with {@link createSessionHub}. */
export class SessionHub {
  /** Every stored event of every session this engine runs, after redaction. */
  readonly emitter = new EventEmitter<SessionHubEventMap>();
  private readonly policy: ResolvedPolicy;
  private readonly redact: Redactor;
  private readonly semaphore: Semaphore;
  private readonly active = new Map<string, ActiveSession>();
  private readonly starting = new Map<string, Promise<SessionHandle>>();
  private readonly listeners: SessionListeners = new Map();
  private readonly now: () => number;

  constructor(private readonly options: SessionHubOptions) {
    checkPortVersions(options);
    this.policy = resolvePolicy(options.policy);
    const env = options.env ?? process.env;
    this.redact = createRedactor([...this.policy.secrets, ...(this.policy.redactEnv ? secretsFromEnv(env) : [])]);
    this.semaphore = new Semaphore(this.policy.concurrency);
    this.now = options.now ?? Date.now;
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
    // `session.created` is written with the first step's start, saving an append; a session that
    // crashes before that has no events yet and is resumed from its record.
    const replayed = initialReplay();
    replayed.input = input;
    return this.start(session, replayed, opts.signal, { type: 'session.created', sessionId: session.id, input });
  }

  /**
   * Continues a session from its event log, on this or a fresh engine over the same store: finished
   * steps are not run again, the step in flight (if any) runs again under the same step id. A
   * session paused by a retryable `ProviderError` runs its interrupted step again.
   * Returns the running handle if this engine already runs the session.
   */
  resume(id: string, opts: RunOptions = {}): Promise<SessionHandle> {
    return this.open(id, opts);
  }

  private async open(id: string, opts: OpenOptions): Promise<SessionHandle> {
    const running = this.active.get(id)?.handle ?? (await this.starting.get(id));
    if (running) return running;
    const starting = this.load(id, opts);
    this.starting.set(id, starting);
    try {
      return await starting;
    } finally {
      this.starting.delete(id);
    }
  }

  /** Cancels a session, running here or only in the store; resolves when it has ended. */
  async cancel(id: string): Promise<void> {
    const running = this.active.get(id);
    if (running) {
      running.controller.abort(new CancelledError());
      await running.handle.result.catch(() => undefined);
      return;
    }
    const handle = await this.open(id, { cancelled: true });
    await handle.result.catch(() => undefined);
  }

  /** Approves a session waiting in `awaiting_approval` (resuming it if no engine runs it). */
  approve(id: string): Promise<void> {
    return this.decide(id, { approved: true });
  }

  /** Rejects a session's instruction: the session fails with code `approval.rejected`. */
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
      this.starting.has(sessionId) || (this.active.has(sessionId) && !this.active.get(sessionId)?.paused);
    return {
      [Symbol.asyncIterator]: () => sessionEvents(this.options.store, this.listeners, id, opts.signal, running),
    };
  }

  /** Resolves when no session runs on this engine. */
  async idle(): Promise<void> {
    while (this.active.size > 0 || this.starting.size > 0) {
      await Promise.allSettled([...this.active.values()].map((a) => a.handle.result));
      await Promise.allSettled([...this.starting.values()]);
    }
  }

  private async decide(id: string, decision: { approved: boolean; reason?: string }): Promise<void> {
    const running = this.active.get(id);
    if (running) {
      if (running.approval) running.approval.resolve(decision);
      else if (this.policy.requireApproval && ['created', 'planning'].includes(running.state())) {
        running.preset = decision;
      } else throw new SessionStateError('session.invalid_state', `session ${id} is not awaiting approval`);
      return;
    }
    const session = await this.get(id);
    if (!session) throw new SessionStateError('session.not_found', `session ${id} not found`);
    if (session.state !== 'awaiting_approval') {
      throw new SessionStateError('session.invalid_state', `session ${id} is ${session.state}, not awaiting approval`);
    }
    await this.open(id, { preset: decision });
  }

  private async load(id: string, opts: OpenOptions): Promise<SessionHandle> {
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
      return this.finishedHandle(repaired, replayed);
    }
    const created: NewSessionEvent | undefined = replayed.input
      ? undefined
      : { type: 'session.created', sessionId: id, input: stored.input };
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
    const handle = this.start(session, replayed, opts.signal, created, opts.preset);
    if (opts.cancelled) handle.cancel();
    return handle;
  }

  private finishedHandle(session: Session, replayed: ReplayedState): SessionHandle {
    const info = replayed.terminal?.error;
    const result: SessionResult = info ? { session, error: new SessionHubError(info.code, info.message) } : { session };
    for (const [stepId, output] of replayed.finished) {
      if (stepId.startsWith('execute:')) result.report = output as ExecutionReport;
      if (stepId.startsWith('verify:')) result.verdict = output as Verdict;
    }
    return {
      id: session.id,
      events: this.events(session.id),
      result: Promise.resolve(result),
      cancel: () => undefined,
    };
  }

  private start(
    session: Session,
    replayed: ReplayedState,
    signal?: AbortSignal,
    created?: NewSessionEvent,
    preset?: { approved: boolean; reason?: string },
  ): SessionHandle {
    const controller = new AbortController();
    if (signal) {
      if (signal.aborted) controller.abort(signal.reason ?? new CancelledError());
      else signal.addEventListener('abort', () => controller.abort(new CancelledError()), { once: true });
    }
    const runner = new StepRunner(
      {
        store: this.options.store,
        redact: this.redact,
        emit: (e) => this.emit(e),
        now: this.now,
        budgets: this.policy.budgets,
        signal: controller.signal,
      },
      replayed,
      session,
    );
    // A paused session being resumed: its outage error no longer describes it.
    if (session.error) runner.clearError();
    if (created) runner.record(created);
    let resolveResult!: (r: Promise<SessionResult>) => void;
    const result = new Promise<SessionResult>((resolve) => {
      resolveResult = resolve;
    });
    const handle: SessionHandle = {
      id: session.id,
      events: this.events(session.id),
      result,
      cancel: () => controller.abort(new CancelledError()),
    };
    const active: ActiveSession = { handle, controller, state: () => runner.state, ...(preset ? { preset } : {}) };
    this.active.set(session.id, active);
    resolveResult(this.execute(active, runner));
    // A store failure rejects `result`; keep it from becoming an unhandled rejection when nobody awaits.
    result.catch(() => undefined);
    return handle;
  }

  private async execute(active: ActiveSession, runner: StepRunner): Promise<SessionResult> {
    const { controller } = active;
    const signal = controller.signal;
    const resources = new SessionResources(this.options, () => runner.session, signal);
    const outcome: SessionOutcome = {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    let acquired = false;
    let error: SessionHubError | undefined;
    try {
      try {
        await this.semaphore.acquire(signal);
        acquired = true;
        timer = this.wallTimer(runner, controller);
        await driveSession({
          options: this.options,
          policy: this.policy,
          runner,
          resources,
          outcome,
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
        });
      } catch (err) {
        if (err instanceof DurabilityError) throw err;
        error = signal.aborted
          ? toSessionHubError(signal.reason, 'session.cancelled')
          : toSessionHubError(err, `${runner.currentStep ?? 'session'}.failed`);
      }
      if (timer) clearTimeout(timer);
      await resources.dispose();
      if (error && !signal.aborted && resumableOutage(error) && runner.currentStep) {
        // A provider outage outlasted the SDK's retries: keep the session resumable instead of failing it.
        active.paused = true;
        await runner.pause(error);
        this.notifyPaused(runner.sessionId);
      } else {
        await runner.finish(error ? (error instanceof CancelledError ? 'cancelled' : 'failed') : 'succeeded', error);
      }
      const result: SessionResult = { session: runner.session };
      if (error) result.error = error;
      if (outcome.verdict) result.verdict = outcome.verdict;
      if (outcome.report) result.report = outcome.report;
      return result;
    } catch (err) {
      throw err instanceof DurabilityError ? err.original : err;
    } finally {
      if (timer) clearTimeout(timer);
      await resources.dispose();
      if (acquired) this.semaphore.release();
      this.active.delete(runner.sessionId);
    }
  }

  /** Aborts the session when its wall-time budget runs out, so a hung step cannot outlive it. */
  private wallTimer(runner: StepRunner, controller: AbortController): ReturnType<typeof setTimeout> | undefined {
    const limit = this.policy.budgets.wallTimeMs;
    if (limit === undefined) return undefined;
    const started = Date.parse(runner.session.createdAt);
    const timer = setTimeout(
      () => {
        const elapsed = this.now() - started;
        controller.abort(new BudgetExceededError('wall_time', limit, elapsed));
      },
      Math.max(0, started + limit - this.now() + 1),
    );
    timer.unref?.();
    return timer;
  }

  private async waitForApproval(
    active: ActiveSession,
    session: Session,
    instructionText: string,
    signal: AbortSignal,
  ): Promise<{ approved: boolean; reason?: string }> {
    if (active.preset) return active.preset;
    if (this.options.onApproval) {
      return normalizeDecision(await this.options.onApproval({ session, instructionText }, { signal }));
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      active.approval = {
        resolve: (d) => {
          signal.removeEventListener('abort', onAbort);
          active.approval = undefined;
          resolve(d);
        },
      };
    });
  }

  /** Ends the live event streams of a session that paused: nothing more is written until a resume. */
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
  return error instanceof ProviderError && error.retryable;
}

function normalizeDecision(d: ApprovalDecision): { approved: boolean; reason?: string } {
  if (typeof d === 'boolean') return { approved: d };
  return d.reason ? { approved: d.approved, reason: d.reason } : { approved: d.approved };
}
