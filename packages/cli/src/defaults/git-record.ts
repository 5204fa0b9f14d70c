import { type SessionCommit, type SessionEvent, sessionCommits, type WorkspaceProvider } from '@sessionhub/core';
import type { GitWorkspaces } from '@sessionhub/git';

/** What a session committed through its git workspace, read back from its log. */
export interface GitRecord {
  /** The session branch (kept by `@sessionhub/git` when the session succeeded with a commit). */
  branch?: string;
  /** The commits the engine made for the session, in order: the verified work, then the Foundation update. */
  commits: SessionCommit[];
}

/** The commits of a session, from its `step.finished` events of `commit` steps: `@sessionhub/core`'s `sessionCommits`. */
export const commitsOf: (events: readonly SessionEvent[]) => GitRecord['commits'] = sessionCommits;

/**
 * The git workspaces, each session's working copy prepared by `prepare` after it is opened (before the engine
 * and the sandbox use it). The engine drives the rest of the port (commits, close).
 */
export function preparedWorkspaces(
  git: GitWorkspaces,
  prepare: (dir: string, opts: { signal: AbortSignal }) => Promise<void>,
): WorkspaceProvider {
  return {
    specificationVersion: 1,
    name: git.name,
    async open(session, opts) {
      const dir = await git.open(session, opts);
      await prepare(dir, opts);
      return dir;
    },
    commitVerified: (session, change, opts) => git.commitVerified(session, change, opts),
    commitFoundation: (session, change, opts) => git.commitFoundation(session, change, opts),
    close: (session, outcome, opts) => git.close(session, outcome, opts),
  };
}
