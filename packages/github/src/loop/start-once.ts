import { createHash } from 'node:crypto';
import { type RunRequest, type SessionHandle, type SessionHub, StoreError } from '@sessionhub/core';
import { resumeWhenFree } from './waiting.js';

/**
 * The id of the session a delivery's job starts: a UUID (name-based, version 5 layout) derived from the delivery
 * id, so every process that ever takes the job names the same session.
 */
export function deliverySessionId(deliveryId: string): string {
  const hash = createHash('sha1').update(`sessionhub:github-delivery:${deliveryId}`).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Starts a delivery's session under {@link deliverySessionId}, or, when a process that held the job before
 * (its lease ran out while it stalled) already started it, resumes that one: a delivery runs one session,
 * whoever takes its job. `started` says which.
 */
export async function startOnce(
  hub: Pick<SessionHub, 'run' | 'resume'>,
  request: RunRequest,
  deliveryId: string,
  signal: AbortSignal,
): Promise<{ handle: SessionHandle; started: boolean }> {
  const sessionId = deliverySessionId(deliveryId);
  try {
    // No signal: aborting the queue (a shutdown) must leave the session to be resumed, not cancel it.
    return { handle: await hub.run(request, { sessionId }), started: true };
  } catch (error) {
    if (!StoreError.isInstance(error) || error.code !== 'store.conflict') throw error;
    return { handle: await resumeWhenFree(hub, sessionId, signal), started: false };
  }
}
