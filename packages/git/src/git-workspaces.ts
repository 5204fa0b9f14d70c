import { basename, isAbsolute, join } from 'node:path';
import type {
  FoundationChange,
  Session,
  VerifiedChange,
  WorkspaceCallOptions,
  WorkspaceCommit,
  WorkspaceOutcome,
  WorkspaceProvider,
  WorkspaceResolver,
} from '@sessionhub/core';
import { foundationCommitMessage, workCommitMessage } from './commit-message.js';
import { commitOnce, type SessionCommitTarget } from './commits.js';
import { GitError } from './errors.js';
import type { GitRunner } from './git-runner.js';
import { Mutex } from './mutex.js';
import { sessionBranch, sessionTag, workspaceDirName } from './naming.js';
import { isInside } from './paths.js';
import { type RepositoryInfo, resolveCommit } from './repository.js';
import { readChanges, readDiff, type SessionWorkspace, type WorkspaceChange } from './workspace-changes.js';
import { WorktreePool } from './worktree-pool.js';
import { exists, findAdminDir, listWorktrees, removeWorktree } from './worktrees.js';

/** What {@link GitWorkspaces.prune} removed. */
export interface PruneReport {
  worktrees: string[];
  branches: string[];
}

/** Internal state of {@link GitWorkspaces}, checked by `createGitWorkspaces`. */
export interface GitWorkspacesInit {
  git: GitRunner;
  repo: RepositoryInfo;
  baseRef: string;
  workspacesDir: string;
  prefix: string;
  keepFailed: boolean;
  identity: Record<string, string>;
  sign: boolean;
  warmWorktrees: number;
}

/**
 * One git worktree and branch per session, in the user's repository, and the commits that record
 * verified work. Implements core's {@link WorkspaceProvider}; `resolver` is the `workspace` option
 * of `createSessionHub`. Create it with `createGitWorkspaces`.
 *
 * Host git never trusts the workspace: every command names the worktree's git directory explicitly
 * (it lives in the common git directory, outside what the sandbox can write), runs with hooks and
 * every command-running setting off (`HARDENED_CONFIG`), and ignores the `.git` file in the
 * workspace.
 */
export class GitWorkspaces implements WorkspaceProvider {
  readonly specificationVersion = 1 as const;
  readonly name = 'git';
  /** The repository as opened. */
  readonly repository: RepositoryInfo;
  /** The ref new session branches start from. */
  readonly baseRef: string;
  /** Where session worktrees live. */
  readonly workspacesDir: string;
  readonly git: GitRunner;
  private readonly init: GitWorkspacesInit;
  private readonly lock = new Mutex();
  private readonly pool: WorktreePool;

  /** Use `createGitWorkspaces`, which checks the repository and the options first. */
  constructor(init: GitWorkspacesInit) {
    this.init = init;
    this.pool = new WorktreePool(init.git, init.repo.commonDir, init.workspacesDir, init.warmWorktrees);
    this.git = init.git;
    this.repository = init.repo;
    this.baseRef = init.baseRef;
    this.workspacesDir = init.workspacesDir;
  }

  /** The `workspace` option of `createSessionHub`: {@link open} as a function. */
  get resolver(): Extract<WorkspaceResolver, (...args: never[]) => unknown> {
    return (session, opts) => this.open(session, opts);
  }

  /** Author and committer environment of SessionHub commits and tags. */
  get identityEnv(): Readonly<Record<string, string>> {
    return this.init.identity;
  }

  /** Whether commits are signed with the user's git config. */
  get sign(): boolean {
    return this.init.sign;
  }

  /** The workspace directory of a session (whether it exists or not). */
  dirOf(sessionId: string): string {
    return join(this.workspacesDir, workspaceDirName(sessionId));
  }

  /** The session's branch if it exists (found by the session's tag, whatever its version and name). */
  async findBranch(sessionId: string, opts: WorkspaceCallOptions): Promise<string | undefined> {
    const { signal } = opts;
    const out = await this.git.text(
      ['for-each-ref', '--format=%(refname:lstrip=2)', `refs/heads/${this.init.prefix}/`],
      { gitDir: this.repository.commonDir, signal },
    );
    const tag = `-${sessionTag(sessionId)}`;
    return out.split('\n').find((b) => b.endsWith(tag));
  }

  /** The session's workspace; `git.workspace_not_found` if it was never opened or is closed. */
  async workspaceOf(session: Pick<Session, 'id'>, opts: WorkspaceCallOptions): Promise<SessionWorkspace> {
    const { signal } = opts;
    const dir = this.dirOf(session.id);
    const adminDir = await findAdminDir(this.repository.commonDir, dir);
    const branch = await this.findBranch(session.id, { signal });
    if (adminDir === undefined || branch === undefined || !(await exists(dir))) {
      throw new GitError('git.workspace_not_found', `session ${session.id} has no workspace: open it first`);
    }
    return { dir, adminDir, branch };
  }

  /**
   * Creates the session's worktree on a new branch from the base ref, or returns the existing one
   * (same directory on resume, in any process).
   */
  async open(session: Session, opts: WorkspaceCallOptions): Promise<string> {
    const { dir, base } = await this.lock.run(() => this.openLocked(session, opts.signal));
    if (base !== undefined) void this.pool.fill(base);
    return dir;
  }

  /** Fills the pool of warm worktrees (`warmWorktrees`) now, at the base ref's current commit. */
  async warm(opts: WorkspaceCallOptions): Promise<void> {
    this.pool.reopen();
    await this.pool.fill(await resolveCommit(this.git, this.repository, this.baseRef, opts.signal));
  }

  /** Removes the warm worktrees (call when shutting down; `prune` does it too). */
  async dispose(opts: WorkspaceCallOptions): Promise<void> {
    await this.pool.dispose(opts.signal);
  }

  private async openLocked(session: Session, signal: AbortSignal): Promise<{ dir: string; base?: string }> {
    const commonDir = this.repository.commonDir;
    const dir = this.dirOf(session.id);
    const adminDir = await findAdminDir(commonDir, dir);
    // A worktree is whole once git has dropped its `locked` (initializing) mark. Whether the
    // workspace still has a `.git` file does not matter: the sandbox may have removed it.
    if (adminDir !== undefined && (await exists(dir)) && !(await exists(join(adminDir, 'locked')))) {
      if ((await this.findBranch(session.id, { signal })) === undefined) {
        // A crash between claiming a warm worktree and naming its branch: name it now.
        const call = { gitDir: adminDir, workTree: dir, signal };
        const head = await this.git.text(['rev-parse', '--verify', 'HEAD^{commit}'], call);
        const name = sessionBranch(this.init.prefix, session);
        await this.git.run(['update-ref', `refs/heads/${name}`, head, ''], call);
        await this.git.run(['symbolic-ref', 'HEAD', `refs/heads/${name}`], call);
      }
      return { dir };
    }
    // A half-made worktree (a crash during `worktree add`) is made again.
    await removeWorktree(this.git, commonDir, dir, signal);
    const branch = await this.findBranch(session.id, { signal });
    if (branch !== undefined) {
      await this.git.run(['worktree', 'add', '--quiet', dir, branch], { gitDir: commonDir, signal });
      return { dir };
    }
    const base = await resolveCommit(this.git, this.repository, this.baseRef, signal);
    const name = sessionBranch(this.init.prefix, session);
    const warm = await this.pool.take();
    if (warm === undefined) {
      await this.git.run(['worktree', 'add', '--quiet', '--no-track', '-b', name, dir, base], {
        gitDir: commonDir,
        signal,
      });
      return { dir, base };
    }
    // A warm worktree: move it into place, bring it to the base if the base moved, put it on the branch.
    await this.git.run(['worktree', 'move', warm.dir, dir], { gitDir: commonDir, signal });
    const admin = (await findAdminDir(commonDir, dir)) as string;
    const call = { gitDir: admin, workTree: dir, signal };
    if (warm.sha !== base) await this.git.run(['read-tree', '-m', '-u', warm.sha, base], call);
    await this.git.run(['update-ref', '-m', 'sessionhub: session branch', `refs/heads/${name}`, base, ''], call);
    await this.git.run(['symbolic-ref', 'HEAD', `refs/heads/${name}`], call);
    return { dir, base };
  }

  private async target(session: Session, signal: AbortSignal): Promise<SessionCommitTarget> {
    const ws = await this.namedWorkspace(session, signal);
    return {
      git: this.git,
      adminDir: ws.adminDir,
      commonDir: this.repository.commonDir,
      workTree: ws.dir,
      branch: ws.branch,
      identityEnv: this.init.identity,
      sign: this.init.sign,
      signal,
    };
  }

  /**
   * The session's workspace, its branch renamed to carry the session's version and name once it has
   * them (the engine may open the workspace before the plan names the session).
   */
  private async namedWorkspace(session: Session, signal: AbortSignal): Promise<SessionWorkspace> {
    const ws = await this.workspaceOf(session, { signal });
    const wanted = sessionBranch(this.init.prefix, session);
    if (session.version === undefined || ws.branch === wanted) return ws;
    return await this.lock.run(async () => {
      await this.git.run(['branch', '-m', '--', ws.branch, wanted], { gitDir: this.repository.commonDir, signal });
      return { ...ws, branch: wanted };
    });
  }

  /**
   * Commits every change of the workspace after a passing verdict (`git.verdict_failed` otherwise),
   * with the message of {@link workCommitMessage}. Idempotent per session and attempt.
   */
  async commitVerified(session: Session, change: VerifiedChange, opts: WorkspaceCallOptions): Promise<WorkspaceCommit> {
    if (!change.verdict?.passed) {
      throw new GitError(
        'git.verdict_failed',
        `attempt ${change.attempt} of session ${session.id} did not pass: it is not committed`,
      );
    }
    if (!Number.isInteger(change.attempt) || change.attempt < 0) {
      throw new GitError('git.invalid_option', `attempt ${change.attempt}: give a whole number from 0`);
    }
    const target = await this.target(session, opts.signal);
    const message = workCommitMessage({ sessionId: session.id, ...change });
    return await commitOnce(target, { sessionId: session.id, kind: 'work', attempt: change.attempt, message });
  }

  /** Commits the Foundation document alone, as its own commit. Idempotent per session. */
  async commitFoundation(
    session: Session,
    change: FoundationChange,
    opts: WorkspaceCallOptions,
  ): Promise<WorkspaceCommit> {
    const path = change.path;
    if (
      typeof path !== 'string' ||
      path === '' ||
      isAbsolute(path) ||
      path.split(/[\\/]/).some((p) => p === '..' || p === '.git')
    ) {
      throw new GitError('git.invalid_path', `Foundation path '${path}': give a path inside the workspace`);
    }
    const target = await this.target(session, opts.signal);
    const message = foundationCommitMessage({ sessionId: session.id, ...change });
    return await commitOnce(target, {
      sessionId: session.id,
      kind: 'foundation',
      message,
      paths: [`:(literal)${path}`],
    });
  }

  /**
   * Removes the session's worktree when the session has ended. The branch stays when the session
   * succeeded and committed something (it holds the work to deploy); otherwise it goes too. With
   * `keepFailed`, a failed session keeps both. Idempotent.
   */
  close(session: Session, outcome: { outcome: WorkspaceOutcome }, opts: WorkspaceCallOptions): Promise<void> {
    return this.lock.run(async () => {
      if (outcome.outcome === 'failed' && this.init.keepFailed) return;
      const { signal } = opts;
      await removeWorktree(this.git, this.repository.commonDir, this.dirOf(session.id), signal);
      const branch = await this.findBranch(session.id, { signal });
      if (branch === undefined) return;
      if (outcome.outcome === 'succeeded' && (await this.hasOwnCommits(branch, signal))) return;
      await this.deleteBranch(branch, signal);
    });
  }

  private async hasOwnCommits(branch: string, signal: AbortSignal): Promise<boolean> {
    const base = await resolveCommit(this.git, this.repository, this.baseRef, signal).catch(() => undefined);
    const args = ['rev-list', '--count', `refs/heads/${branch}`, ...(base ? [`^${base}`] : [])];
    return Number(await this.git.text(args, { gitDir: this.repository.commonDir, signal })) > 0;
  }

  private async deleteBranch(branch: string, signal: AbortSignal): Promise<void> {
    await this.git.run(['update-ref', '-d', `refs/heads/${branch}`], { gitDir: this.repository.commonDir, signal });
  }

  /**
   * Removes what crashed processes left: every worktree under `workspacesDir` whose session is not
   * active (by `isActive`, default none is), and every session branch with no commit of its own and
   * no worktree. Branches with commits are kept (they may be deployed).
   */
  prune(opts: {
    signal: AbortSignal;
    isActive?: (sessionId: string) => boolean | Promise<boolean>;
  }): Promise<PruneReport> {
    return this.lock.run(async () => {
      const { signal } = opts;
      await this.pool.dispose(signal);
      this.pool.reopen();
      const commonDir = this.repository.commonDir;
      const report: PruneReport = { worktrees: [], branches: [] };
      const inUse = new Set<string>();
      for (const wt of await listWorktrees(this.git, commonDir, this.repository.topLevel === undefined, signal)) {
        if (!isInside(wt.path, this.workspacesDir) || wt.path === this.workspacesDir) continue;
        const sessionId = basename(wt.path);
        if (opts.isActive && (await opts.isActive(sessionId))) {
          if (wt.branch) inUse.add(wt.branch.replace(/^refs\/heads\//, ''));
          continue;
        }
        await removeWorktree(this.git, commonDir, wt.path, signal);
        report.worktrees.push(wt.path);
      }
      await this.git.run(['worktree', 'prune'], { gitDir: commonDir, signal });
      const branches = await this.git.text(
        ['for-each-ref', '--format=%(refname:lstrip=2)', `refs/heads/${this.init.prefix}/`],
        { gitDir: commonDir, signal },
      );
      for (const branch of branches.split('\n').filter((b) => b !== '' && !inUse.has(b))) {
        if (await this.hasOwnCommits(branch, signal)) continue;
        await this.deleteBranch(branch, signal);
        report.branches.push(branch);
      }
      return report;
    });
  }

  /** The workspace's changes against its branch (untracked files included), read with hardened git. */
  async status(session: Pick<Session, 'id'>, opts: WorkspaceCallOptions): Promise<WorkspaceChange[]> {
    return await readChanges(this.git, await this.workspaceOf(session, { signal: opts.signal }), opts.signal);
  }

  /** The workspace's changes against its branch as a unified diff (no external diff, no textconv). */
  async diff(session: Pick<Session, 'id'>, opts: WorkspaceCallOptions): Promise<string> {
    return await readDiff(this.git, await this.workspaceOf(session, { signal: opts.signal }), opts.signal);
  }
}
