import type { Session, SessionEvent, SessionResult, Store } from '@sessionhub/core';
import type { GitWorkspaces } from '@sessionhub/git';

/** What {@link finishInGit} recorded in git for a session. */
export interface GitRecord {
  /** The session branch (kept only when something was committed). */
  branch?: string;
  /** The commits made (or found) for the session, in order. */
  commits: { kind: 'work' | 'foundation'; sha: string; created: boolean }[];
}

/**
 * Records an ended session in git, through `@sessionhub/git`'s public API: for a succeeded session, the verified
 * work of its last attempt (`commitVerified`) and then the Foundation update (`commitFoundation`); then the
 * worktree is closed. Idempotent (the git package finds commits by their trailers), so it may run again on
 * `resume`. A paused session is left alone.
 *
 * Temporary: once the engine calls the `WorkspaceProvider` port itself (write-ahead, as steps `commit:<n>`
 * and `foundation-commit:0`), this goes away.
 */
export async function finishInGit(
  workspaces: GitWorkspaces,
  store: Store,
  result: SessionResult,
  opts: { signal: AbortSignal },
): Promise<GitRecord> {
  const { session } = result;
  const state = session.state;
  if (state !== 'succeeded' && state !== 'failed' && state !== 'cancelled') return { commits: [] };
  const commits: GitRecord['commits'] = [];
  if (state === 'succeeded' && result.verdict?.passed) {
    const events = await store.readEvents(session.id, { signal: opts.signal });
    const accepted = events.filter(
      (e): e is Extract<SessionEvent, { type: 'instruction.accepted' }> => e.type === 'instruction.accepted',
    );
    const last = accepted.at(-1);
    const full: Session = { ...session };
    if (last) {
      const work = await workspaces.commitVerified(
        full,
        { instructionText: last.text, verdict: result.verdict, attempt: session.fixAttempts },
        opts,
      );
      if (work.sha) commits.push({ kind: 'work', sha: work.sha, created: work.created });
    }
    const foundation = events.find((e) => e.type === 'foundation.updated');
    if (foundation?.type === 'foundation.updated') {
      const f = await workspaces.commitFoundation(
        full,
        {
          path: foundation.path,
          version: foundation.version,
          ...(foundation.previousVersion ? { previousVersion: foundation.previousVersion } : {}),
        },
        opts,
      );
      if (f.sha) commits.push({ kind: 'foundation', sha: f.sha, created: f.created });
    }
  }
  const branch = commits.length > 0 ? await workspaces.findBranch(session.id, opts) : undefined;
  await workspaces.close(session, { outcome: state }, opts);
  return { ...(branch ? { branch } : {}), commits };
}
