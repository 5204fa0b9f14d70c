import { type SessionHubError, StoreError } from '../errors.js';
import type { BudgetBreach, NewSessionEvent, Phase, SessionEvent, SessionEventOf, StepKind } from '../model/events.js';
import { isTerminal, type Session, type SessionState } from '../model/session.js';
import { addUsage, type Usage } from '../model/usage.js';
import type { Store } from '../ports/store.js';
import { checkBudgets } from './budgets.js';
import { thisHolder } from './claim-holder.js';
import { DurabilityError } from './errors.js';
import type { SessionBudgets } from './options.js';
import type { Redactor } from './redaction.js';
import type { ReplayedState } from './replay.js';
import { type StepContext, StepScope } from './step-context.js';

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
  /** The step commits the session (the Foundation update): no budget check after it. */
  commits?: boolean;
  /**
   * The session is committed already (its Foundation document is written): a cancellation or a budget no
   * longer stops this step; only a failed write does.
   */
  settled?: boolean;
}

/** What the engine gives the write-ahead runner of one session (built by the hub when it opens the session). */
export interface WriteAheadDeps {
  store: Store;
  redact: Redactor;
  /** Tells the engine's listeners about a stored event (after the store has it). */
  emit: (event: SessionEvent) => void;
  now: () => number;
  /** The session's budgets (the policy's, with any raised limits). */
  budgets: SessionBudgets;
  /**
   * The session's work: its signal reaches every step; the runner aborts it for a budget reached by reported
   * usage or a write that failed.
   */
  controller: AbortController;
  /** This engine's id and claim length: every write keeps the engine's claim on the session alive. */
  owner: string;
  leaseMs: number;
  /** Applies a decision another engine recorded in the log (`decision.requested`), once it is read. */
  onRequest: (event: SessionEventOf<'decision.requested'>) => void;
}

/**
 * Owns the write-ahead rule for one session: a step's start (and the transition into its state) is
 * durable before its side effect; its end and output are written together with the next step's start,
 * so a session costs one store append per step. A step whose end is in the log is never run again:
 * its stored output is returned instead.
 *
 * Every write goes through one queue, in order, and is conditional on the last seq this engine wrote
 * (`expectedSeq`): if another engine wrote to the session meanwhile, the write fails with
 * `store.conflict` and this engine stops writing. Each write renews the engine's claim when it is due.
 * Listeners hear of an event only after the store has it, in the store's order.
 *
 * It is the only writer of a session's log and record while an engine drives the session. The engine writes
 * a session elsewhere only before or after that: `hub.run` creates the record (before any event), opening an
 * ended session repairs a record a crash left behind its log, and an engine that does not drive the session
 * appends `decision.requested` for the owner (`owner-requests.ts`), which this runner reads and lets in.
 */
export class WriteAheadRunner {
  private pending: NewSessionEvent[] = [];
  private queue: Promise<void> = Promise.resolve();
  private queueError: unknown;
  private current: { id: string; kind: StepKind } | undefined;
  private readonly createdAtMs: number;
  private readonly written = new Map<string, unknown>();
  private lastSeq: number;
  private claimedUntil = 0;
  /** Whether the next write clears the session's `error` (set by {@link clearError}). */
  private errorToClear = false;
  /** Whether the stored (redacted) record replaces the in-memory one after a write (set by `pause`). */
  private handOutStored = false;
  state: SessionState;

  constructor(
    private readonly deps: WriteAheadDeps,
    private readonly replayed: ReplayedState,
    public session: Session,
  ) {
    this.state = replayed.state;
    this.lastSeq = replayed.lastSeq;
    if (replayed.inFlight) this.current = { id: replayed.inFlight.stepId, kind: replayed.inFlight.step };
    this.createdAtMs = Date.parse(session.createdAt);
  }

  get sessionId(): string {
    return this.session.id;
  }

  /** Whether the log says the session goes on without a Foundation document (`foundation.skipped`). */
  get foundationSkipped(): boolean {
    return this.replayed.foundationSkipped === true;
  }

  /** Whether a step is finished or in flight in the log (so the session already chose to run it). */
  known(stepId: string): boolean {
    return this.replayed.finished.has(stepId) || this.replayed.inFlight?.stepId === stepId;
  }

  /** Runs a step once across crashes and resumes, returning its output. */
  async step<T>(spec: StepSpec, body: (ctx: StepContext) => Promise<T>): Promise<T> {
    if (this.replayed.finished.has(spec.id)) return this.replayed.finished.get(spec.id) as T;
    const resuming = this.replayed.inFlight?.stepId === spec.id;
    const signal = spec.settled ? this.writeSignal() : this.deps.controller.signal;
    signal.throwIfAborted();
    if (!spec.settled) this.checkBudgets();
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
    signal.throwIfAborted();
    // Never call an actor on a claim that has run out: renew it first (conditionally, so if another
    // engine took the session over meanwhile, this engine stops here instead).
    if (this.claimDue()) await this.flush();
    signal.throwIfAborted();
    const scope = new StepScope(this, signal);
    let output: T;
    try {
      output = await body(scope);
    } catch (err) {
      // What the step recorded before failing (re-asks, usage) is kept, ahead of its step.failed.
      this.pending.push(...scope.buffered);
      throw err;
    } finally {
      // Progress or usage an actor reports after its call settled is dropped: the step has ended.
      scope.open = false;
    }
    this.pending.push(...scope.buffered, {
      type: 'step.finished',
      sessionId: this.sessionId,
      stepId: spec.id,
      step: spec.kind,
      output,
    });
    this.current = undefined;
    if (this.replayed.inFlight?.stepId === spec.id) this.replayed.inFlight = undefined;
    if (!spec.commits) this.checkBudgets();
    return output;
  }

  /** Writes usage an actor reported as it was incurred, and stops the session at once when a budget is reached. */
  reportUsage(phase: Phase, usage: Usage): void {
    this.session.usage = addUsage(this.session.usage, usage);
    this.appendLive({ type: 'usage.recorded', sessionId: this.sessionId, phase, usage });
    try {
      this.checkBudgets();
    } catch (err) {
      this.deps.controller.abort(err);
    }
  }

  /** Counts usage written with the step's end (what a call's total adds to what was reported). */
  settleUsage(usage: Usage): void {
    this.session.usage = addUsage(this.session.usage, usage);
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
    this.enqueue([event]).catch(() => undefined);
  }

  /**
   * Writes what is buffered with a claim on the session, conditional on the log the engine replayed:
   * how an engine takes a stored session over. Throws the store's error (`store.conflict` when another
   * engine wrote meanwhile).
   */
  async claimNow(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.claimedUntil = 0;
    await this.enqueue(batch);
    if (this.queueError) throw this.queueError;
  }

  /** Writes a claim renewal if the claim is due for one (the engine calls it while the session idles). */
  renewClaim(): Promise<void> {
    if (this.lastSeq === 0 || !this.claimDue()) return Promise.resolve();
    return this.enqueue([]);
  }

  /** Ends the session: a failed in-flight step, the final transition and `session.finished`, durably. */
  async finish(state: SessionState, error?: SessionHubError): Promise<void> {
    const info = error ? { code: error.code, message: error.message } : undefined;
    if (info) this.failCurrent(info);
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
   * Pauses the session (`hub.pause`, or a retryable provider failure): the in-flight step gets its
   * `step.failed`, the session keeps its state (the phase it was in) with `error` set, no `session.finished`
   * is written, and the claim is released, so `resume` (on any engine) runs that step again.
   */
  async pause(error: SessionHubError): Promise<void> {
    const info = { code: error.code, message: error.message };
    this.failCurrent(info);
    this.session.error = info;
    this.release();
    await this.flush();
  }

  /**
   * Pauses the session at a budget: the in-flight step gets its `step.failed`, the session waits in
   * `awaiting_approval` (an `approval.requested` with the budget) with `error` set, and the claim is
   * released, so `approve(id, { raiseBudget })` on any engine continues it.
   */
  async pauseForBudget(breach: BudgetBreach, error: SessionHubError): Promise<void> {
    const info = { code: error.code, message: error.message };
    this.failCurrent(info);
    this.transition('awaiting_approval');
    this.pending.push({ type: 'approval.requested', sessionId: this.sessionId, budget: breach });
    this.session.error = info;
    this.release();
    await this.flush();
  }

  private failCurrent(info: { code: string; message: string }): void {
    if (!this.current) return;
    this.pending.push({
      type: 'step.failed',
      sessionId: this.sessionId,
      stepId: this.current.id,
      step: this.current.kind,
      error: info,
    });
    this.current = undefined;
  }

  private release(): void {
    this.pending.push({ type: 'session.released', sessionId: this.sessionId, owner: this.deps.owner });
    this.claimedUntil = Number.POSITIVE_INFINITY;
    this.handOutStored = true;
  }

  /** A resumed paused session: its `error` is cleared from the record with the next write. */
  clearError(): void {
    if (this.session.error === undefined) return;
    delete this.session.error;
    this.errorToClear = true;
  }

  /** Writes every buffered event (after any queued ones) and updates the session record. */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0 || this.queueError || (this.lastSeq > 0 && this.claimDue())) await this.enqueue(batch, true);
    else await this.queue;
    if (this.queueError) throw new DurabilityError(this.queueError);
  }

  /** Queues one conditional append (plus a claim renewal when due), and the record update after a batch. */
  private enqueue(events: NewSessionEvent[], updateRecord = false): Promise<void> {
    this.queue = this.queue.then(() => this.write(events, updateRecord));
    return this.queue;
  }

  /** One queued write (see {@link enqueue}); a failure stops the session's work and every later write. */
  private async write(events: NewSessionEvent[], updateRecord: boolean): Promise<void> {
    if (this.queueError) return;
    try {
      const ends = events.some(endsClaim);
      const batch = !ends && this.claimDue() ? [...events, this.claim()] : events;
      if (batch.length === 0) return;
      const redacted = batch.map(this.deps.redact);
      const { store } = this.deps;
      // The record update travels with its append when the store can write both at once (one commit).
      const patch = updateRecord && store.appendEventsAndUpdate ? this.deps.redact(this.sessionPatch()) : undefined;
      let stored: SessionEvent[];
      let record: Session | undefined;
      for (;;) {
        const opts = { expectedSeq: this.lastSeq };
        try {
          if (patch && store.appendEventsAndUpdate) {
            ({ events: stored, session: record } = await store.appendEventsAndUpdate(
              this.sessionId,
              redacted,
              patch,
              opts,
            ));
          } else stored = await store.appendEvents(this.sessionId, redacted, opts);
          break;
        } catch (err) {
          // Another engine's decision request is the only write this engine lets in: read it, apply it, retry.
          if (!isConflict(err) || !((await this.readRequests()) > 0)) throw err;
        }
      }
      this.lastSeq = stored[stored.length - 1]?.seq ?? this.lastSeq;
      if (record) this.adoptRecord(record);
      for (const e of stored) this.deps.emit(e);
      if (updateRecord && !patch)
        this.adoptRecord(await store.updateSession(this.sessionId, this.deps.redact(this.sessionPatch())));
    } catch (err) {
      this.queueError = err;
      // Nothing more can be recorded (the store failed, or another engine took the session over):
      // stop the work in flight now, also a step that only waits (for approval, for an actor).
      this.deps.controller.abort(err);
    }
  }

  /**
   * Reads the log's tail for decisions other engines requested (the engine calls it on a short interval
   * while the session runs or waits). Anything else in the tail means another engine took the session over:
   * this engine stops as after a failed write.
   */
  pollRequests(): Promise<void> {
    if (this.lastSeq === 0 || this.queueError) return Promise.resolve();
    this.queue = this.queue.then(async () => {
      if (this.queueError) return;
      try {
        if ((await this.readRequests()) < 0) {
          throw new StoreError('store.conflict', `session ${this.sessionId} was written by another engine`);
        }
      } catch (err) {
        this.queueError = err;
        this.deps.controller.abort(err);
      }
    });
    return this.queue;
  }

  /**
   * Takes in the events after the last seq this engine knows when they are all decision requests: they
   * join the engine's view of the log, are emitted, and applied. Returns how many, or -1 (and takes in
   * nothing) when the tail holds anything else.
   */
  private async readRequests(): Promise<number> {
    const tail = await this.deps.store.readEvents(this.sessionId, { fromSeq: this.lastSeq + 1 });
    if (!tail.every((e) => e.type === 'decision.requested')) return -1;
    for (const e of tail) {
      this.lastSeq = e.seq;
      this.deps.emit(e);
      this.deps.onRequest(e as SessionEventOf<'decision.requested'>);
    }
    return tail.length;
  }

  /** A claim on the session for this engine, `leaseMs` from now. */
  claim(): NewSessionEvent {
    this.claimedUntil = this.deps.now() + this.deps.leaseMs;
    return {
      type: 'session.claimed',
      sessionId: this.sessionId,
      owner: this.deps.owner,
      until: new Date(this.claimedUntil).toISOString(),
      ...thisHolder(),
    };
  }

  /** Whether the claim has a third or less of its length left (or was never written). */
  private claimDue(): boolean {
    return this.deps.now() > this.claimedUntil - (2 * this.deps.leaseMs) / 3;
  }

  /** Takes in the record as the store wrote it: kept in memory, and handed out (redacted) once the session ends. */
  private adoptRecord(stored: Session): void {
    if (isTerminal(stored.state) || this.handOutStored) this.session = stored;
    else this.session.updatedAt = stored.updatedAt;
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

  private checkBudgets(): void {
    checkBudgets(this.deps.budgets, this.session.usage, this.deps.now() - this.createdAtMs);
  }

  /** The step started and not yet finished, if any. */
  get currentStep(): StepKind | undefined {
    return this.current?.kind;
  }

  /** A signal that aborts only when a write failed (the store failed, or another engine took the session over). */
  private writeSignal(): AbortSignal {
    const controller = new AbortController();
    const onAbort = () => {
      if (this.queueError) controller.abort(this.deps.controller.signal.reason);
    };
    const session = this.deps.controller.signal;
    if (session.aborted) onAbort();
    else session.addEventListener('abort', onAbort, { once: true });
    return controller.signal;
  }
}

/** Whether a batch gives the session up (it ends or is released): no claim renewal rides on it. */
function endsClaim(e: NewSessionEvent): boolean {
  return e.type === 'session.finished' || e.type === 'session.released';
}

function isConflict(err: unknown): boolean {
  return StoreError.isInstance(err) && (err as StoreError).code === 'store.conflict';
}
