import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { GitRunner } from './git-runner.js';
import { exists, findAdminDir, removeWorktree } from './worktrees.js';

/** A worktree made ahead of time, detached at `sha`. */
export interface WarmWorktree {
  dir: string;
  sha: string;
}

/**
 * Worktrees checked out ahead of time (detached at the base commit, never shown to a sandbox), so
 * that opening a session's workspace is a rename and two ref updates instead of a checkout of every
 * file. Filled in the background after each use; emptied by `dispose`.
 */
export class WorktreePool {
  private readonly ready: WarmWorktree[] = [];
  private filling: Promise<void> | undefined;
  private disposed = false;

  constructor(
    private readonly git: GitRunner,
    private readonly commonDir: string,
    private readonly workspacesDir: string,
    readonly size: number,
  ) {}

  /** A ready worktree (still registered and on disk), or `undefined`. */
  async take(): Promise<WarmWorktree | undefined> {
    while (this.ready.length > 0) {
      const warm = this.ready.shift() as WarmWorktree;
      if ((await exists(join(warm.dir, '.git'))) && (await findAdminDir(this.commonDir, warm.dir))) return warm;
    }
    return undefined;
  }

  /** Starts filling the pool up to `size` worktrees at `sha` (once at a time); resolves when done. */
  fill(sha: string): Promise<void> {
    if (this.size <= 0 || this.disposed) return Promise.resolve();
    this.filling ??= (async () => {
      try {
        while (!this.disposed && this.ready.length < this.size) {
          const dir = join(this.workspacesDir, `.warm-${randomBytes(6).toString('hex')}`);
          await this.git.run(['worktree', 'add', '--quiet', '--detach', dir, sha], { gitDir: this.commonDir });
          if (this.disposed) await removeWorktree(this.git, this.commonDir, dir, new AbortController().signal);
          else this.ready.push({ dir, sha });
        }
      } catch {
        // A pool that cannot fill only makes opening slower: `open` falls back to `worktree add`.
      } finally {
        this.filling = undefined;
      }
    })();
    return this.filling;
  }

  /** Removes every warm worktree; later `fill` calls do nothing until `reopen`. */
  async dispose(signal: AbortSignal): Promise<void> {
    this.disposed = true;
    await this.filling;
    for (const warm of this.ready.splice(0)) await removeWorktree(this.git, this.commonDir, warm.dir, signal);
  }

  /** Allows filling again after `dispose`. */
  reopen(): void {
    this.disposed = false;
  }
}
