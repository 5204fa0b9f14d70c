import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitCallOptions, GitRunner } from './git-runner.js';

/** A session's workspace as found on disk. */
export interface SessionWorkspace {
  /** The workspace (the worktree's files): what the sandbox mounts. */
  dir: string;
  /** The worktree's own git directory, in the common git directory (never inside `dir`). */
  adminDir: string;
  /** The session branch, without `refs/heads/`. */
  branch: string;
}

/** One changed path of a workspace, as {@link GitWorkspaces.status} reports it. */
export interface WorkspaceChange {
  path: string;
  /** `A`dded, `M`odified, `D`eleted, `R`enamed, `T`ype changed. */
  status: string;
}

/** Runs `read` over a throw-away index holding every file of the workspace (the real index is not touched). */
async function withScratchIndex<T>(
  git: GitRunner,
  ws: SessionWorkspace,
  signal: AbortSignal,
  read: (call: GitCallOptions) => Promise<T>,
): Promise<T> {
  const index = join(ws.adminDir, `sessionhub-scratch-${process.pid}-${Date.now()}.index`);
  const call = { gitDir: ws.adminDir, workTree: ws.dir, signal, env: { GIT_INDEX_FILE: index } };
  try {
    await git.run(['read-tree', 'HEAD'], call);
    await git.run(['add', '--all', '--', '.'], call);
    return await read(call);
  } finally {
    await rm(index, { force: true });
    await rm(`${index}.lock`, { force: true });
  }
}

/** The workspace's changed paths against its branch, untracked files included. */
export async function readChanges(
  git: GitRunner,
  ws: SessionWorkspace,
  signal: AbortSignal,
): Promise<WorkspaceChange[]> {
  const out = await withScratchIndex(git, ws, signal, (call) =>
    git.text(['diff', '--cached', '--name-status', '--no-renames', '-z', 'HEAD'], call),
  );
  const parts = out.split('\0').filter((p) => p !== '');
  const changes: WorkspaceChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2)
    changes.push({ status: parts[i] as string, path: parts[i + 1] as string });
  return changes;
}

/** The workspace's changes against its branch as a unified diff (no external diff, no textconv). */
export async function readDiff(git: GitRunner, ws: SessionWorkspace, signal: AbortSignal): Promise<string> {
  return await withScratchIndex(git, ws, signal, (call) =>
    git.text(['diff', '--cached', '--no-ext-diff', '--no-textconv', '--no-color', 'HEAD'], call),
  );
}
