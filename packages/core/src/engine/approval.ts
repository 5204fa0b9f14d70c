import { SessionHubError } from '../errors.js';
import type { Session } from '../model/session.js';
import { budgetError } from './budgets.js';
import type { Decision } from './decisions.js';
import type { ApprovalDecision, SessionHubOptions } from './options.js';
import type { RunningSession } from './running-session.js';

/**
 * Waits for the decision on a session's initial plan: the `onApproval` callback, or an `approve`/`reject` made
 * meanwhile (on this engine, or requested by another), whichever comes first.
 */
export async function waitForApproval(
  options: SessionHubOptions,
  running: RunningSession,
  session: Session,
  instructionText: string,
  signal: AbortSignal,
): Promise<{ approved: boolean; reason?: string }> {
  const onApproval = options.onApproval;
  let decision: Decision;
  if (onApproval && !running.decisions.pending) {
    const waiter = new AbortController();
    const both = AbortSignal.any([signal, waiter.signal]);
    try {
      decision = await Promise.race([
        callback(() => onApproval({ session, instructionText }, { signal: both })),
        running.decisions.take(both),
      ]);
    } finally {
      waiter.abort();
    }
  } else decision = await running.decisions.take(signal);
  running.approvalDecided = true;
  return decision.reason ? { approved: decision.approved, reason: decision.reason } : { approved: decision.approved };
}

/**
 * A session opened at a budget pause takes its decision first: raised limits go on (recorded as
 * `approval.resolved` and `budget.raised`, durably, before the session continues), a rejection fails it.
 */
export async function decideBudget(running: RunningSession): Promise<void> {
  const breach = running.budgetWait!;
  const { runner } = running;
  const decision = await running.decisions.take(running.controller.signal);
  const id = runner.sessionId;
  runner.record(
    decision.reason
      ? { type: 'approval.resolved', sessionId: id, approved: decision.approved, reason: decision.reason }
      : { type: 'approval.resolved', sessionId: id, approved: decision.approved },
  );
  if (decision.approved && decision.raiseBudget) {
    runner.record({ type: 'budget.raised', sessionId: id, budgets: decision.raiseBudget });
    Object.assign(running.budgets, decision.raiseBudget);
  }
  if (decision.approved) runner.clearError();
  running.budgetWait = undefined;
  await runner.flush();
  running.decisions.recorded();
  if (!decision.approved) {
    running.budgetRejected = true;
    throw budgetError(breach);
  }
}

/** Runs an `onApproval` callback; an error (or a value that is no decision) becomes `approval.callback_failed`. */
async function callback(call: () => Promise<ApprovalDecision>): Promise<Decision> {
  let d: ApprovalDecision;
  try {
    d = await call();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new SessionHubError('approval.callback_failed', `onApproval threw: ${message}`, { cause: err });
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
