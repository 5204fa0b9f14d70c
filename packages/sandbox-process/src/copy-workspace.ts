import { cp, mkdir } from 'node:fs/promises';

/**
 * Copies a directory tree to a new workspace (`dest` is created). Symlinks are copied as links,
 * never followed; the sandbox's file API and mount namespace decide what they may reach.
 * For a git repository a worktree (`@sessionhub/git`) is usually cheaper.
 */
export async function copyWorkspace(src: string, dest: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  opts.signal?.throwIfAborted();
  await mkdir(dest, { recursive: true });
  await cp(src, dest, {
    recursive: true,
    verbatimSymlinks: true,
    preserveTimestamps: true,
    force: false,
    errorOnExist: false,
  });
}
