import type { SessionHubError } from '../errors.js';
import type { NewSessionEvent, Phase, SessionEvent, StepKind } from '../model/events.js';
import { isTerminal, type Session, type SessionState } from '../model/session.js';
import { addUsage, type Usage } from '../model/usage.js';
import type { Store } from '../ports/store.js';
import { checkBudgets } from './budgets.js';
import { DurabilityError } from './errors.js';
import type { SessionBudgets } from './options.js';
import type { Redactor } from './redaction.js';
import type { ReplayedState } from './replay.js';

/** Session fields the engine keeps up to date on the session record. */
const PROJECTED_FIELDS = [
  'state',
  'usage',
  'fixAttempts',
  'instruction',
  'name',
  'version',
  'summary',
  'error',
] as const;

/** A step the engine writes ahead: its id is unique in the session and stable across resumes. */
export interface StepSpec {
  id: string;
  kind: StepKind;
  attempt: number;
  /** The session state the step runs in; a `state.changed` is written with the step's start. */
  state: SessionState;
  /** Extra events written atomically with the step's start (e.g. `approval.requested`). */
  startEvents?: NewSessionEvent[];
}

/** What a step's body may do besides its side effect. */
export interface StepContext {
  signal: AbortSignal;
  /** Buffers an event; it is written together with the step's end. */
  record(event: NewSessionEvent): void;
  /** Records usage of a phase; counts towards the budgets. */
  addUsage(phase: Phase, usage: Usage): void;
  /** Writes an event now (executor progress), in order with every other write. */
  appendLive(event: NewSessionEvent): void;
}

export interface StepRunnerDeps {
  store: Store;
  redact: Redactor;
  emit: (event: SessionEvent) => void;
  now: () => number;
  budgets: SessionBudgets;
  signal: AbortSignal;
}

/**
 * Runs one session's steps under the write-ahead rule: a step's start (and the transition into its
 * state) is durable before its side effect; its end and output are written together with the next
 * step's start, so a session costs one store append per step. A step whose end is in the log is
 * never run again: its stored output is returned instead.
 */
export class StepRunner {
  private pending: NewSessionEvent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private chainError: unknown;
  private current: { id: string; kind: StepKind } | undefined;
  private readonly createdAtMs: number;
  private readonly written = new Map<string, unknown>();
  /** Whether the next write clears the session's `error` (set by {@link clearError}). */
  private errorToClear = false;
  /** Whether the stored (redacted) record replaces the in-memory one after a write (set by `pause`). */
  private handOutStored = false;
  state: SessionState;

  constructor(
    private readonly deps: StepRunnerDeps,
    private readonly replayed: ReplayedState,
    public session: Session,
  ) {
    this.state = replayed.state;
    if (replayed.inFlight) this.current = { id: replayed.inFlight.stepId, kind: replayed.inFlight.step };
    this.createdAtMs = Date.parse(session.createdAt);
  }

  get sessionId(): string {
    return this.session.id;
  }

  /** Whether a step is finished or in flight in the log (so the session already chose to run it). */
  known(stepId: string): boolean {
    return this.replayed.finished.has(stepId) || this.replayed.inFlight?.stepId === stepId;
  }

  /** Runs a step once across crashes and resumes, returning its output. */
  async step<T>(spec: StepSpec, body: (ctx: StepContext) => Promise<T>): Promise<T> {
    if (this.replayed.finished.has(spec.id)) return this.replayed.finished.get(spec.id) as T;
    const resuming = this.replayed.inFlight?.stepId === spec.id;
    this.throwIfAborted();
    this.checkBudgets();
    if (!resuming) {
      this.transition(spec.state);
      if (spec.startEvents) this.pending.push(...spec.startEvents);
      this.pending.push({
        type: 'step.started',
        sessionId: this.sessionId,
        stepId: spec.id,
        step: spec.kind,
        attempt: spec.attempt,
      });
      if (spec.kind === 'plan' && spec.attempt > this.session.fixAttempts) this.session.fixAttempts = spec.attempt;
      this.current = { id: spec.id, kind: spec.kind };
      await this.flush();
    }
    this.throwIfAborted();
    const buffered: NewSessionEvent[] = [];
    let output: T;
    try {
      output = await body({
        signal: this.deps.signal,
        record: (e) => buffered.push(e),
        addUsage: (phase, usage) => {
          buffered.push({ type: 'usage.recorded', sessionId: this.sessionId, phase, usage });
          this.session.usage = addUsage(this.session.usage, usage);
        },
        appendLive: (e) => this.appendLive(e),
      });
    } catch (err) {
      // What the step recorded before failing (re-asks, usage) is kept, ahead of its step.failed.
      this.pending.push(...buffered);
      throw err;
    }
    this.pending.push(...buffered, {
      type: 'step.finished',
      sessionId: this.sessionId,
      stepId: spec.id,
      step: spec.kind,
      output,
    });
    this.current = undefined;
    if (this.replayed.inFlight?.stepId === spec.id) this.replayed.inFlight = undefined;
    this.checkBudgets();
    return output;
  }

  /** Buffers an event; written with the next durable write. */
  record(event: NewSessionEvent): void {
    this.pending.push(event);
  }

  /** Buffers a transition; written with the next durable write. */
  transition(to: SessionState): void {
    if (to === this.state) return;
    this.pending.push({ type: 'state.changed', sessionId: this.sessionId, from: this.state, to });
    this.state = to;
    this.session.state = to;
  }

  /** Writes an event outside the step batches, in order with every other write. */
  appendLive(event: NewSessionEvent): void {
    this.chain = this.chain.then(async () => {
      if (this.chainError) return;
      try {
        await this.write([event]);
      } catch (err) {
        this.chainError = err;
      }
    });
  }

  /** Ends the session: a failed in-flight step, the final transition and `session.finished`, durably. */
  async finish(state: SessionState, error?: SessionHubError): Promise<void> {
    const info = error ? { code: error.code, message: error.message } : undefined;
    if (this.current && info) {
      this.pending.push({
        type: 'step.failed',
        sessionId: this.sessionId,
        stepId: this.current.id,
        step: this.current.kind,
        error: info,
      });
      this.current = undefined;
    }
    this.transition(state);
    if (info) this.session.error = info;
    this.pending.push(
      info
        ? { type: 'session.finished', sessionId: this.sessionId, state, error: info }
        : { type: 'session.finished', sessionId: this.sessionId, state },
    );
    await this.flush();
  }

  /**
   * Pauses the session after a retryable provider failure: the in-flight step gets its `step.failed`,
   * the session keeps its state (the phase it was in) with `error` set, and no `session.finished`
   * is written, so `resume` runs that step again.
   */
  async pause(error: SessionHubError): Promise<void> {
    const info = { code: error.code, message: error.message };
    if (this.current) {
      this.pending.push({
        type: 'step.failed',
        sessionId: this.sessionId,
        stepId: this.current.id,
        step: this.current.kind,
        error: info,
      });
      this.current = undefined;
    }
    this.session.error = info;
    this.handOutStored = true;
    await this.flush();
  }

  /** A resumed paused session: its `error` is cleared from the record with the next write. */
  clearError(): void {
    if (this.session.error === undefined) return;
    delete this.session.error;
    this.errorToClear = true;
  }

  /** Writes every buffered event (after any live ones) and updates the session record. */
  async flush(): Promise<void> {
    await this.chain;
    if (this.chainError) throw new DurabilityError(this.chainError);
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      await this.write(batch);
      const stored = await this.deps.store.updateSession(this.sessionId, this.deps.redact(this.sessionPatch()));
      // Keep working on the in-memory record; hand out the stored (redacted) one once the session ends.
      if (isTerminal(stored.state) || this.handOutStored) this.session = stored;
      else this.session.updatedAt = stored.updatedAt;
    } catch (err) {
      throw err instanceof DurabilityError ? err : new DurabilityError(err);
    }
  }

  /** The session fields changed since the last write (by identity), plus `updatedAt`. */
  private sessionPatch(): Partial<Omit<Session, 'id'>> {
    const patch: Record<string, unknown> = { updatedAt: new Date(this.deps.now()).toISOString() };
    if (this.errorToClear) {
      // Stores drop a field patched to `undefined`, as a serialising store would.
      patch.error = undefined;
      this.errorToClear = false;
      this.written.delete('error');
    }
    const s = this.session as unknown as Record<string, unknown>;
    for (const field of PROJECTED_FIELDS) {
      const value = s[field];
      if (value !== undefined && value !== this.written.get(field)) {
        patch[field] = value;
        this.written.set(field, value);
      }
    }
    return patch as Partial<Omit<Session, 'id'>>;
  }

  private async write(events: NewSessionEvent[]): Promise<void> {
    const stored = await this.deps.store.appendEvents(this.sessionId, events.map(this.deps.redact));
    for (const e of stored) this.deps.emit(e);
  }

  private checkBudgets(): void {
    checkBudgets(this.deps.budgets, this.session.usage, this.deps.now() - this.createdAtMs);
  }

  /** The step started and not yet finished, if any. */
  get currentStep(): StepKind | undefined {
    return this.current?.kind;
  }

  private throwIfAborted(): void {
    if (this.deps.signal.aborted) throw this.deps.signal.reason;
  }
}
