import type { BudgetBreach, SessionEvent, SessionEventOf, StepKind } from '../model/events.js';
import type { SessionErrorInfo, SessionInput, SessionState } from '../model/session.js';
import { addUsage, emptyUsage, type Usage } from '../model/usage.js';
import type { ClaimHolder } from './claim-holder.js';
import type { Decision } from './decisions.js';

/** What a session's event log says about it: everything a resumed engine needs. */
export interface ReplayedState {
  input?: SessionInput;
  /** Whether the session waits for approval after its plan, as chosen when it started (absent in older logs). */
  requireApproval?: boolean;
  state: SessionState;
  lastSeq: number;
  usage: Usage;
  fixAttempts: number;
  /** Outputs of finished steps by step id. */
  finished: Map<string, unknown>;
  /** The step that started and neither finished nor failed. */
  inFlight?: { stepId: string; step: StepKind; attempt: number };
  instruction?: { text: string; name: string; version: string };
  summary?: string;
  /** Set once `session.finished` is in the log. */
  terminal?: { state: SessionState; error?: SessionErrorInfo };
  /** The engine whose claim on the session is the latest, until it runs out (absent once released or finished). */
  claim?: { owner: string; until: number; holder?: Partial<ClaimHolder> };
  /** The budget the session paused at, while no decision has been recorded. */
  budgetWait?: BudgetBreach;
  /** Limits raised by `approve(id, { raiseBudget })`, latest last. */
  raisedBudgets?: { tokens?: number; costUsd?: number; wallTimeMs?: number };
  /** Whether the session goes on without a Foundation document (`foundation.skipped`). */
  foundationSkipped?: boolean;
  /** Whether the initial plan's approval was decided (`approval.resolved` outside a budget pause). */
  approvalDecided?: boolean;
  /** An approve/reject requested by another engine (`decision.requested`) and not yet resolved. */
  requested?: Decision;
  /** Whether another engine requested a cancel (`decision.requested` `cancel`). */
  cancelRequested?: boolean;
}

/** The decision a `decision.requested` event asks for (undefined for a cancel or a pause). */
export function requestedDecision(e: SessionEventOf<'decision.requested'>): Decision | undefined {
  if (e.decision !== 'approve' && e.decision !== 'reject') return undefined;
  return {
    approved: e.decision === 'approve',
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.raiseBudget ? { raiseBudget: e.raiseBudget } : {}),
  };
}

/** An empty replay: a session with no events yet. */
export function initialReplay(): ReplayedState {
  return { state: 'created', lastSeq: 0, usage: emptyUsage(), fixAttempts: 0, finished: new Map() };
}

/** Folds one event into the replayed state (mutating it). */
export function applyEvent(s: ReplayedState, e: SessionEvent): void {
  s.lastSeq = e.seq;
  switch (e.type) {
    case 'session.created':
      s.input = e.input;
      if (e.requireApproval !== undefined) s.requireApproval = e.requireApproval;
      break;
    case 'state.changed':
      s.state = e.to;
      break;
    case 'step.started':
      s.inFlight = { stepId: e.stepId, step: e.step, attempt: e.attempt };
      if (e.step === 'plan' && e.attempt > s.fixAttempts) s.fixAttempts = e.attempt;
      break;
    case 'step.finished':
      s.finished.set(e.stepId, e.output);
      if (s.inFlight?.stepId === e.stepId) s.inFlight = undefined;
      if (e.step === 'execute') s.summary = (e.output as { summary?: string } | undefined)?.summary ?? s.summary;
      break;
    case 'step.failed':
      if (s.inFlight?.stepId === e.stepId) s.inFlight = undefined;
      break;
    case 'instruction.accepted':
      s.instruction = { text: e.text, name: e.name, version: e.version };
      break;
    case 'usage.recorded':
      s.usage = addUsage(s.usage, e.usage);
      break;
    case 'session.finished':
      s.terminal = e.error ? { state: e.state, error: e.error } : { state: e.state };
      s.state = e.state;
      s.claim = undefined;
      break;
    case 'session.claimed':
      s.claim = { owner: e.owner, until: Date.parse(e.until), holder: { host: e.host, pid: e.pid, proc: e.proc } };
      break;
    case 'session.released':
      if (s.claim?.owner === e.owner) s.claim = undefined;
      break;
    case 'approval.requested':
      if (e.budget) s.budgetWait = e.budget;
      break;
    case 'decision.requested':
      // A pause its owner did not live to apply is dropped: the session stopped with its owner anyway.
      if (e.decision === 'cancel') s.cancelRequested = true;
      else if (e.decision !== 'pause') s.requested = requestedDecision(e);
      break;
    case 'approval.resolved':
      s.requested = undefined;
      if (s.budgetWait) s.budgetWait = undefined;
      else s.approvalDecided = true;
      break;
    case 'foundation.skipped':
      s.foundationSkipped = true;
      break;
    case 'budget.raised':
      s.raisedBudgets = { ...s.raisedBudgets, ...e.budgets };
      break;
    default:
      break;
  }
}

/** Replays a whole log. */
export function replay(events: readonly SessionEvent[]): ReplayedState {
  const s = initialReplay();
  for (const e of events) applyEvent(s, e);
  return s;
}
