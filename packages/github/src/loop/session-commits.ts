import { type SessionCommit, type SessionEvent, type SessionHub, sessionCommits } from '@sessionhub/core';

export type { SessionCommit };

/**
 * Where the session branches are (`@sessionhub/git`'s `GitWorkspaces`, the same object passed to
 * `createSessionHub({ workspace })`).
 */
export interface SessionBranches {
  /** The session's branch in the local repository, found by the session's tag; `undefined` when there is none. */
  findBranch(sessionId: string, opts: { signal: AbortSignal }): Promise<string | undefined>;
}

/** Reads an ended session's log through the hub and returns its commits. */
export async function readSessionCommits(
  hub: Pick<SessionHub, 'events'>,
  sessionId: string,
  signal: AbortSignal,
): Promise<SessionCommit[]> {
  const events: SessionEvent[] = [];
  for await (const e of hub.events(sessionId, { signal })) events.push(e);
  return sessionCommits(events);
}
