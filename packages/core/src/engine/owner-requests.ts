import { SessionStateError, StoreError } from '../errors.js';
import type { NewSessionEvent } from '../model/events.js';
import type { Store } from '../ports/store.js';
import { heldElsewhere } from './claim-holder.js';
import type { Decision } from './decisions.js';
import type { ResolvedPolicy } from './options.js';
import type { Redactor } from './redaction.js';
import { applyEvent, type ReplayedState, replay } from './replay.js';

/** What an engine asks of the engine that drives a session: a decision, a cancel, or a pause. */
export type OwnerRequest = { kind: 'decide'; decision: Decision } | { kind: 'cancel' } | { kind: 'pause' };

/** What {@link requestOfOwner} needs from the engine that asks. */
export interface RequestDeps {
  store: Store;
  redact: Redactor;
  /** The asking engine's id (`decision.requested.by`); its own claims are not "another engine's". */
  engineId: string;
  now: () => number;
  policy: ResolvedPolicy;
}

/**
 * Records a request for the engine that holds a session's live claim (`decision.requested`): the one write
 * an engine makes to a session it does not drive. The append is conditional on the log it read, so it never
 * lands after the session's ending or release; when the owner wrote meanwhile it re-reads and retries (the
 * owner lets such a request in: see `WriteAheadRunner`). Returns `true` once the request is durable (or, for a
 * cancel, when the session has already ended), `false` when no other live engine holds the session.
 *
 * @throws {SessionStateError} `session.invalid_state` for a request the session, as its log stands, does not
 *   take (an ended session, a decision it does not wait for); `session.owned_elsewhere` when the owner kept
 *   writing through every retry.
 */
export async function requestOfOwner(deps: RequestDeps, id: string, request: OwnerRequest): Promise<boolean> {
  const { store } = deps;
  const r = replay(await store.readEvents(id));
  for (let tries = 0; tries < 100; tries++) {
    if (r.terminal) {
      if (request.kind === 'cancel') return true;
      throw new SessionStateError('session.invalid_state', `session ${id} has ended (${r.terminal.state})`);
    }
    if (!r.claim || !heldElsewhere(r.claim, deps.engineId, deps.now())) return false;
    checkRequest(id, request, r, deps.policy);
    try {
      await store.appendEvents(id, [deps.redact(requestEvent(id, deps.engineId, request))], { expectedSeq: r.lastSeq });
      return true;
    } catch (err) {
      if (!(StoreError.isInstance(err) && err.code === 'store.conflict')) throw err;
    }
    for (const e of await store.readEvents(id, { fromSeq: r.lastSeq + 1 })) applyEvent(r, e);
  }
  throw new SessionStateError(
    'session.owned_elsewhere',
    `session ${id}: the request could not be recorded, its owner kept writing; try again`,
  );
}

function requestEvent(id: string, by: string, request: OwnerRequest): NewSessionEvent {
  if (request.kind !== 'decide') return { type: 'decision.requested', sessionId: id, decision: request.kind, by };
  const { decision } = request;
  return {
    type: 'decision.requested',
    sessionId: id,
    decision: decision.approved ? 'approve' : 'reject',
    by,
    ...(decision.reason ? { reason: decision.reason } : {}),
    ...(decision.raiseBudget ? { raiseBudget: decision.raiseBudget } : {}),
  };
}

/** Refuses a request the session, as its log stands, does not take (as `checkDecision` does on the owner). */
function checkRequest(id: string, request: OwnerRequest, r: ReplayedState, policy: ResolvedPolicy): void {
  if (request.kind === 'cancel') return;
  if (r.cancelRequested) throw new SessionStateError('session.invalid_state', `session ${id} is being cancelled`);
  if (request.kind === 'pause') return;
  const { decision } = request;
  if (r.requested) {
    throw new SessionStateError('session.invalid_state', `session ${id} already has a decision requested`);
  }
  // A raise was checked against the session's usage before (`decide`).
  if (r.budgetWait) return;
  if (decision.raiseBudget) {
    throw new SessionStateError('session.invalid_state', `session ${id} is not paused at a budget`);
  }
  if (!(r.requireApproval ?? policy.requireApproval) || r.approvalDecided || r.state !== 'awaiting_approval') {
    throw new SessionStateError('session.invalid_state', `session ${id} is ${r.state}, not awaiting approval`);
  }
}
