import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GitRunner } from './git-runner.js';

/** A worktree as `git worktree list --porcelain` reports it. */
export interface WorktreeEntry {
  path: string;
  /** `refs/heads/...`, or `undefined` when detached. */
  branch: string | undefined;
  head: string | undefined;
}

/**
 * The worktree's own git directory (`<common>/worktrees/<name>`) for a workspace path, found from the
 * common directory's side (its `gitdir` files), never from the `.git` file inside the workspace,
 * which the sandbox can rewrite.
 */
export async function findAdminDir(commonDir: string, workTree: string): Promise<string | undefined> {
  const root = join(commonDir, 'worktrees');
  const names = await readdir(root).catch(() => [] as string[]);
  const want = join(resolve(workTree), '.git');
  for (const name of names) {
    const gitdir = await readFile(join(root, name, 'gitdir'), 'utf8').catch(() => undefined);
    if (gitdir !== undefined && gitdir.trim() === want) return join(root, name);
  }
  return undefined;
}

/** Every worktree of the repository (`bare`: whether the repository itself is bare). */
export async function listWorktrees(
  git: GitRunner,
  commonDir: string,
  bare: boolean,
  signal: AbortSignal,
): Promise<WorktreeEntry[]> {
  const out = await git.text(['worktree', 'list', '--porcelain'], {
    gitDir: commonDir,
    signal,
    config: [`core.bare=${bare}`],
  });
  return out
    .split('\n\n')
    .filter((b) => b.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const get = (key: string) => lines.find((l) => l.startsWith(`${key} `))?.slice(key.length + 1);
      return { path: get('worktree') ?? '', branch: get('branch'), head: get('HEAD') };
    });
}

/** Whether a path exists (without following a final symlink). */
export async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/**
 * Removes a session worktree: its files first (never following a symlink out), then git's record of
 * it (`worktree remove --force --force` on a path that no longer exists only drops the record; it also
 * drops a lock left by a killed `worktree add`).
 */
export async function removeWorktree(
  git: GitRunner,
  commonDir: string,
  workTree: string,
  signal: AbortSignal,
): Promise<void> {
  await rm(workTree, { recursive: true, force: true });
  if ((await findAdminDir(commonDir, workTree)) === undefined) return;
  await git.run(['worktree', 'remove', '--force', '--force', workTree], { gitDir: commonDir, signal });
}
