import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkspaceCommit } from '@sessionhub/core';
import { type CommitKind, TRAILER } from './commit-message.js';
import type { GitRunner } from './git-runner.js';

/** Everything needed to commit in one session workspace. */
export interface SessionCommitTarget {
  git: GitRunner;
  /** The worktree's own git directory (outside the workspace). */
  adminDir: string;
  /** The common git directory. */
  commonDir: string;
  /** The workspace (the worktree's files). */
  workTree: string;
  /** The session branch, e.g. `sessionhub/1.2-add-pagination-3f9a0c12de`. */
  branch: string;
  /** Author and committer environment (`GIT_AUTHOR_NAME`, ...). */
  identityEnv: Record<string, string>;
  /** Sign with the key of the user's git config (`commit-tree -S`). */
  sign: boolean;
  signal: AbortSignal;
}

/** One SessionHub commit as found by its trailers. */
export interface FoundCommit {
  sha: string;
  sessionId: string;
  kind: string;
  attempt: string;
  foundationVersion: string;
}

const FIELD = '%x1f';
const trailer = (key: string) => `%(trailers:key=${key},valueonly,separator=%x2c)`;

/** What {@link findSessionCommits} looks through. */
export interface FindCommitsOptions {
  gitDir: string;
  /** Where to start, e.g. `refs/heads/sessionhub/...`. */
  rev: string;
  /** Only this session's commits; every SessionHub commit when absent. */
  sessionId?: string;
  /** Commits reachable from these are left out. */
  exclude?: string[];
  signal: AbortSignal;
}

/** Lists the SessionHub commits reachable from `rev` (newest first), found by their trailers. */
export async function findSessionCommits(git: GitRunner, opts: FindCommitsOptions): Promise<FoundCommit[]> {
  const { gitDir, rev, sessionId, signal, exclude = [] } = opts;
  const format = [
    '%H',
    trailer(TRAILER.session),
    trailer(TRAILER.kind),
    trailer(TRAILER.attempt),
    trailer(TRAILER.foundationVersion),
  ].join(FIELD);
  const args = ['log', `--format=${format}%x1e`, '--fixed-strings', `--grep=${TRAILER.session}: ${sessionId ?? ''}`];
  args.push('--end-of-options', rev, ...exclude.map((e) => `^${e}`), '--');
  const out = await git.text(args, { gitDir, signal });
  return out
    .split('\x1e')
    .map((r) => r.trim())
    .filter((r) => r !== '')
    .map((r) => {
      const [sha = '', sid = '', kind = '', attempt = '', foundationVersion = ''] = r.split('\x1f');
      return { sha, sessionId: sid, kind, attempt, foundationVersion };
    })
    .filter((c) => sessionId === undefined || c.sessionId === sessionId);
}

/**
 * Removes lock files a killed SessionHub process may have left on what only SessionHub writes: the
 * worktree's own index and the session branch. One engine drives a session at a time, so a lock
 * found here at the start of a commit is stale.
 */
async function clearStaleLocks(t: SessionCommitTarget): Promise<void> {
  await rm(join(t.adminDir, 'index.lock'), { force: true });
  await rm(join(t.commonDir, 'refs', 'heads', `${t.branch}.lock`), { force: true });
}

/**
 * Commits the workspace's changes (every file, or only `paths`) on the session branch, unless a
 * commit of this session, kind and attempt is already there: then that one is returned
 * (`created: false`). Plumbing only (`add`, `write-tree`, `commit-tree`, `update-ref` with the
 * expected old value), so no hook or editor can run and the branch moves atomically.
 */
export async function commitOnce(
  t: SessionCommitTarget,
  what: { sessionId: string; kind: CommitKind; attempt?: number; message: string; paths?: string[] },
): Promise<WorkspaceCommit> {
  const ref = `refs/heads/${t.branch}`;
  const existing = (
    await findSessionCommits(t.git, { gitDir: t.adminDir, rev: ref, sessionId: what.sessionId, signal: t.signal })
  ).find((c) => c.kind === what.kind && (what.attempt === undefined || c.attempt === String(what.attempt)));
  if (existing) return { sha: existing.sha, created: false };
  await clearStaleLocks(t);
  const call = { gitDir: t.adminDir, workTree: t.workTree, signal: t.signal };
  const parent = await t.git.text(['rev-parse', '--verify', `${ref}^{commit}`], call);
  // The index of a worktree nobody else uses: start from the branch, so a crash between `add` and
  // `update-ref` leaves nothing that changes the next attempt.
  await t.git.run(['read-tree', parent], call);
  await t.git.run(['add', '--all', '--', ...(what.paths ?? ['.'])], call);
  const tree = await t.git.text(['write-tree'], call);
  const parentTree = await t.git.text(['rev-parse', `${parent}^{tree}`], call);
  if (tree === parentTree) return { sha: null, created: false };
  const commitArgs = ['commit-tree', tree, '-p', parent, '-F', '-'];
  if (t.sign) commitArgs.push('-S');
  const sha = await t.git.text(commitArgs, {
    ...call,
    input: what.message,
    env: t.identityEnv,
    config: t.sign ? [] : ['commit.gpgSign=false'],
  });
  await t.git.run(['update-ref', '-m', `sessionhub: ${what.kind} commit`, ref, sha, parent], call);
  return { sha, created: true };
}
