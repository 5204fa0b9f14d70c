import { constants } from 'node:fs';
import { lstat, open, readFile, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Session, SessionEvent, SessionResult, Store } from '@sessionhub/core';
import { findSessionCommits, type GitWorkspaces, type SessionWorkspace } from '@sessionhub/git';
import type { GitOutcome } from '@sessionhub/github';

type FoundationUpdated = Extract<SessionEvent, { type: 'foundation.updated' }>;

/**
 * Records an ended session in git through `@sessionhub/git`'s public API: for a succeeded session the verified
 * work of its last attempt, then the Foundation update as its own commit; then the worktree is released.
 *
 * The engine does not call the workspace port yet (docs/git.md: "Not wired yet"), so by the time this runs the
 * Foundation document in the worktree is already updated. To keep the two commits apart, the document is put
 * back to the branch's version for the work commit, then the updated text (kept durably in the store as the
 * session's Foundation version) is written again for the Foundation commit. Idempotent: commits are found by
 * their trailers, so a restarted loop may call it again.
 */
export async function recordInGit(
  workspaces: GitWorkspaces,
  store: Store,
  result: SessionResult,
  opts: { signal: AbortSignal },
): Promise<GitOutcome> {
  const { session } = result;
  const state = session.state;
  if (state !== 'succeeded' && state !== 'failed' && state !== 'cancelled') return {};
  let branch = await workspaces.findBranch(session.id, opts);
  if (state === 'succeeded' && result.verdict?.passed && session.instruction) {
    const ws = await workspaces.workspaceOf(session, opts).catch(() => undefined);
    // No worktree: an earlier call recorded and closed it; the branch holds what it committed.
    if (ws) {
      const events = await store.readEvents(session.id, { signal: opts.signal });
      const foundation = events.find((e): e is FoundationUpdated => e.type === 'foundation.updated');
      const change = { instructionText: session.instruction, verdict: result.verdict, attempt: session.fixAttempts };
      const done = await findSessionCommits(workspaces.git, {
        gitDir: ws.adminDir,
        rev: `refs/heads/${ws.branch}`,
        sessionId: session.id,
        signal: opts.signal,
      });
      if (foundation && !done.some((c) => c.kind === 'work')) {
        await withoutFoundationUpdate(workspaces, store, session, ws, foundation, () =>
          workspaces.commitVerified(session, change, opts),
        );
      } else {
        await workspaces.commitVerified(session, change, opts);
      }
      if (foundation) {
        await workspaces.commitFoundation(
          session,
          {
            path: foundation.path,
            version: foundation.version,
            ...(foundation.previousVersion ? { previousVersion: foundation.previousVersion } : {}),
          },
          opts,
        );
      }
      branch = await workspaces.findBranch(session.id, opts);
    }
  }
  const committed = branch ? await hasSessionCommits(workspaces, session, branch, opts.signal) : false;
  await workspaces.close(session, { outcome: state }, opts);
  return committed && branch ? { branch } : {};
}

async function hasSessionCommits(workspaces: GitWorkspaces, session: Session, branch: string, signal: AbortSignal) {
  const commits = await findSessionCommits(workspaces.git, {
    gitDir: workspaces.repository.commonDir,
    rev: `refs/heads/${branch}`,
    sessionId: session.id,
    signal,
  });
  return commits.length > 0;
}

/** Runs `commit` with the Foundation document at the branch's version, then writes the updated text back. */
async function withoutFoundationUpdate(
  workspaces: GitWorkspaces,
  store: Store,
  session: Session,
  ws: SessionWorkspace,
  foundation: FoundationUpdated,
  commit: () => Promise<unknown>,
): Promise<void> {
  const file = await insideWorkspace(ws.dir, foundation.path);
  const recorded = (await store.listFoundationVersions({ path: foundation.path })).find(
    (v) => v.sessionId === session.id,
  );
  const updated = recorded?.text ?? (await readFile(file, 'utf8'));
  // `run`, not `text`: the blob exactly, its last line break included.
  const { stdout: original } = await workspaces.git.run(
    ['cat-file', 'blob', '--end-of-options', `refs/heads/${ws.branch}:${foundation.path}`],
    {
      gitDir: ws.adminDir,
      signal: AbortSignal.timeout(30_000),
    },
  );
  await writeRegular(file, original);
  try {
    await commit();
  } finally {
    await writeRegular(file, updated);
  }
}

/** The host path of a workspace file, refused when a symlink (planted by the sandbox) would lead elsewhere. */
async function insideWorkspace(dir: string, path: string): Promise<string> {
  const file = join(dir, path);
  const parent = await realpath(dirname(file));
  if (parent !== join(await realpath(dir), dirname(path))) throw new Error(`${path} leaves the workspace`);
  const st = await lstat(file);
  if (!st.isFile()) throw new Error(`${path} is not a regular file`);
  return file;
}

/** Overwrites a regular file without following a symlink at its place. */
async function writeRegular(file: string, text: string): Promise<void> {
  const handle = await open(file, constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW);
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}
