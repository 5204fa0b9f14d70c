import type { SessionEvent, SessionHub } from '@sessionhub/core';

/** A commit the engine made for a session through its `WorkspaceProvider`, as its log records it. */
export interface SessionCommit {
  /** `work`: the verified work of a passing attempt (step `commit:<n>`); `foundation`: step `foundation-commit:0`. */
  kind: 'work' | 'foundation';
  sha: string;
  /** The step that made it. */
  stepId: string;
}

/**
 * Where the session branches are (`@sessionhub/git`'s `GitWorkspaces`, the same object passed to
 * `createSessionHub({ workspace })`).
 */
export interface SessionBranches {
  /** The session's branch in the local repository, found by the session's tag; `undefined` when there is none. */
  findBranch(sessionId: string, opts: { signal: AbortSignal }): Promise<string | undefined>;
}

/**
 * The commits of a session, in order, from the `step.finished` events of its `commit` steps (a step with
 * nothing to commit has `sha: null` and is left out).
 */
export function commitsOf(events: Iterable<SessionEvent>): SessionCommit[] {
  const commits: SessionCommit[] = [];
  for (const e of events) {
    if (e.type !== 'step.finished' || e.step !== 'commit') continue;
    const sha = (e.output as { sha?: unknown } | undefined)?.sha;
    if (typeof sha !== 'string') continue;
    commits.push({ kind: e.stepId.startsWith('foundation-') ? 'foundation' : 'work', sha, stepId: e.stepId });
  }
  return commits;
}

/** Reads an ended session's log through the hub and returns its commits. */
export async function readSessionCommits(
  hub: Pick<SessionHub, 'events'>,
  sessionId: string,
  signal: AbortSignal,
): Promise<SessionCommit[]> {
  const events: SessionEvent[] = [];
  for await (const e of hub.events(sessionId, { signal })) events.push(e);
  return commitsOf(events);
}
