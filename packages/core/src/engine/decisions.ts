import { SessionStateError } from '../errors.js';
import type { Usage } from '../model/usage.js';
import { checkBudgets } from './budgets.js';
import type { SessionBudgets } from './options.js';
import type { RunningSession } from './running-session.js';

/** A decision on a waiting session: approve (with raised budgets for a budget pause) or reject. */
export interface Decision {
  approved: boolean;
  reason?: string;
  raiseBudget?: SessionBudgets;
}

interface Entry {
  decision: Decision;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The decisions of one session running on this engine. `approve`/`reject` offer a decision at any
 * time the session accepts one (also before its approval step waits, e.g. from an
 * `approval.requested` listener); the waiting step takes it. The offer resolves only once the step has
 * recorded the decision in the store, and rejects if the session ends first: an accepted decision is
 * never lost. One decision at a time: a second offer while one is pending is refused.
 */
export class DecisionBox {
  private queued: Entry | undefined;
  private taken: Entry | undefined;
  private waiter: ((entry: Entry) => void) | undefined;
  private closed: string | undefined;

  constructor(private readonly sessionId: string) {}

  /** Whether a decision was offered and not yet recorded. */
  get pending(): boolean {
    return this.queued !== undefined || this.taken !== undefined;
  }

  /** Offers a decision; resolves once it is recorded. */
  offer(decision: Decision): Promise<void> {
    if (this.closed) return Promise.reject(this.refusal(this.closed));
    if (this.pending) {
      return Promise.reject(this.refusal(`session ${this.sessionId} already has a decision being recorded`));
    }
    return new Promise<void>((resolve, reject) => {
      const entry: Entry = { decision, resolve, reject };
      const waiter = this.waiter;
      if (waiter) {
        this.waiter = undefined;
        this.taken = entry;
        waiter(entry);
      } else this.queued = entry;
    });
  }

  /** Takes the offered decision, waiting for one; rejects with the signal's reason when it aborts. */
  take(signal: AbortSignal): Promise<Decision> {
    const queued = this.queued;
    if (queued) {
      this.queued = undefined;
      this.taken = queued;
      return Promise.resolve(queued.decision);
    }
    return new Promise<Decision>((resolve, reject) => {
      const onAbort = () => {
        this.waiter = undefined;
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = (entry) => {
        signal.removeEventListener('abort', onAbort);
        resolve(entry.decision);
      };
    });
  }

  /** The taken decision is in the store: its offer resolves. */
  recorded(): void {
    this.taken?.resolve();
    this.taken = undefined;
  }

  /** The session ends or pauses: later offers are refused and a pending one rejects (it was not recorded). */
  close(why: string): void {
    this.closed = why;
    for (const entry of [this.queued, this.taken]) entry?.reject(this.refusal(why));
    this.queued = undefined;
    this.taken = undefined;
  }

  private refusal(why: string): SessionStateError {
    return new SessionStateError('session.invalid_state', why);
  }
}

/** Refuses a decision the session cannot take now. */
export function checkDecision(running: RunningSession, decision: Decision, now: number): void {
  const id = running.handle.id;
  if (running.controller.signal.aborted || running.paused) {
    throw new SessionStateError('session.invalid_state', `session ${id} is being cancelled or has stopped`);
  }
  if (running.budgetWait) {
    if (decision.approved) {
      const { usage, createdAt } = running.runner.session;
      checkRaise(id, { ...running.budgets, ...decision.raiseBudget }, usage, now - Date.parse(createdAt));
    }
    return;
  }
  if (decision.raiseBudget) {
    throw new SessionStateError('session.invalid_state', `session ${id} is not paused at a budget`);
  }
  const waitingOrBefore = ['created', 'planning', 'awaiting_approval'].includes(running.runner.state);
  if (!running.requireApproval || running.approvalDecided || !waitingOrBefore) {
    throw new SessionStateError(
      'session.invalid_state',
      `session ${id} is ${running.runner.state}, not awaiting approval`,
    );
  }
}

/** Refuses an approval of a budget pause whose limits would leave the session over budget. */
export function checkRaise(id: string, budgets: SessionBudgets, usage: Usage, elapsedMs: number): void {
  try {
    checkBudgets(budgets, usage, elapsedMs);
  } catch (err) {
    throw new SessionStateError(
      'budget.still_exceeded',
      `session ${id} would still be over budget: ${(err as Error).message}; raise the limit further`,
    );
  }
}

/** Refuses budget limits that are not numbers ≥ 0. */
export function validLimits(budgets: SessionBudgets): void {
  for (const [name, value] of Object.entries(budgets)) {
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0) || Number.isNaN(value))) {
      throw new SessionStateError('session.invalid_input', `raiseBudget.${name} must be a number >= 0, got ${value}`);
    }
  }
}
