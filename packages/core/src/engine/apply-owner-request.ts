import { CancelledError, SessionPausedError } from '../errors.js';
import type { SessionEventOf } from '../model/events.js';
import { checkDecision } from './decisions.js';
import { requestedDecision } from './replay.js';
import type { RunningSession } from './running-session.js';

/**
 * Applies a request another engine recorded for this session (`requestOfOwner` in `owner-requests.ts`), on the
 * engine that drives it: a cancel or a pause aborts its work; a decision is offered to it, or dropped when the
 * session no longer takes one.
 */
export function applyOwnerRequest(
  running: RunningSession,
  e: SessionEventOf<'decision.requested'>,
  now: () => number,
): void {
  if (e.decision === 'cancel' || e.decision === 'pause') {
    const reason =
      e.decision === 'cancel'
        ? new CancelledError()
        : new SessionPausedError(`session paused by engine ${e.by}; resume it to continue`);
    running.controller.abort(reason);
    return;
  }
  const decision = requestedDecision(e);
  if (!decision) return;
  try {
    checkDecision(running, decision, now());
  } catch {
    return;
  }
  running.decisions.offer(decision).catch(() => undefined);
}
