import { findSessionCommits } from './commits.js';
import { GitError } from './errors.js';
import type { GitCallOptions } from './git-runner.js';
import type { GitWorkspaces } from './git-workspaces.js';
import { Mutex } from './mutex.js';
import { releaseTag } from './naming.js';
import { type CheckResult, runPostDeployCheck } from './post-deploy-check.js';
import { formatRecord, listRecords, type ReleaseRecord } from './release-records.js';
import type { DeployEvent, DeployOptions, DeployResult, GitReleasesOptions, RollbackOptions } from './release-types.js';
import { listWorktrees } from './worktrees.js';

/**
 * Deploy and rollback on the user's repository: promotes a verified session branch to a target
 * branch, tags the release (`sessionhub/v<Foundation version>`, an annotated tag whose trailers record
 * what was promoted), runs a post-deploy check in a sandbox, and rolls back automatically when it
 * fails. Only refs and objects change: no checkout, index or stash of the user's is touched.
 */
export class GitReleases {
  private readonly prefix: string;
  private readonly lock = new Mutex();

  constructor(
    readonly workspaces: GitWorkspaces,
    private readonly options: GitReleasesOptions = {},
  ) {
    this.prefix = options.tagPrefix ?? 'sessionhub';
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(this.prefix)) {
      throw new GitError('git.invalid_option', `tagPrefix '${this.prefix}': use letters, digits, '-' and '_'`);
    }
  }

  private call(signal: AbortSignal, extra: Partial<GitCallOptions> = {}): GitCallOptions {
    return { gitDir: this.workspaces.repository.commonDir, signal, ...extra };
  }

  private async git(args: string[], signal: AbortSignal, extra: Partial<GitCallOptions> = {}): Promise<string> {
    return await this.workspaces.git.text(args, this.call(signal, extra));
  }

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }

  private async emit(event: DeployEvent): Promise<void> {
    await this.options.onEvent?.(event);
  }

  /** Every deploy and rollback, oldest first. */
  async history(opts: { signal: AbortSignal }): Promise<ReleaseRecord[]> {
    return await listRecords(this.workspaces.git, this.workspaces.repository.commonDir, this.prefix, opts.signal);
  }

  private async branchHead(branch: string, signal: AbortSignal): Promise<string> {
    const ok = await this.workspaces.git.run(
      ['check-ref-format', '--branch', branch],
      this.call(signal, { okExitCodes: [0, 1, 128] }),
    );
    const out =
      ok.exitCode === 0
        ? await this.workspaces.git.run(
            ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`],
            this.call(signal, { okExitCodes: [0, 1] }),
          )
        : undefined;
    if (out === undefined || out.exitCode !== 0) {
      throw new GitError(
        'git.branch_not_found',
        `the branch '${branch}' does not exist: create it first (e.g. from your main branch)`,
      );
    }
    return out.stdout.trim();
  }

  private async assertNotCheckedOut(target: string, signal: AbortSignal): Promise<void> {
    const repo = this.workspaces.repository;
    const wts = await listWorktrees(this.workspaces.git, repo.commonDir, repo.topLevel === undefined, signal);
    const holder = wts.find((w) => w.branch === `refs/heads/${target}`);
    if (holder) {
      throw new GitError(
        'git.target_checked_out',
        `the branch '${target}' is checked out in ${holder.path}; promoting would change the files under it: ` +
          'check out another branch there, or deploy to a branch nobody has checked out (and pull it)',
      );
    }
  }

  private async tagFree(tag: string, signal: AbortSignal): Promise<void> {
    const out = await this.workspaces.git.run(
      ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}`],
      this.call(signal, { okExitCodes: [0, 1] }),
    );
    if (out.exitCode === 0) {
      throw new GitError(
        'git.tag_exists',
        `the tag '${tag}' already exists: bump the Foundation version, or pass another version`,
      );
    }
  }

  private async writeTag(tag: string, sha: string, message: string, signal: AbortSignal): Promise<void> {
    await this.git(['tag', '--no-sign', '-a', '-F', '-', '--end-of-options', tag, sha], signal, {
      input: message,
      env: { ...this.workspaces.identityEnv },
      config: ['tag.gpgSign=false'],
    });
  }

  private async push(target: string, tags: string[], signal: AbortSignal): Promise<void> {
    const remote = this.options.remote;
    if (remote === undefined) return;
    const force = this.options.rewriteOnRollback ? '+' : '';
    const refs = [
      `${force}refs/heads/${target}:refs/heads/${target}`,
      ...tags.map((t) => `refs/tags/${t}:refs/tags/${t}`),
    ];
    await this.git(['push', '--porcelain', '--no-verify', '--end-of-options', remote, ...refs], signal);
  }

  /**
   * Promotes a session branch to `target`, tags it, pushes (with `remote`), and runs the check;
   * a failed check rolls back at once. Every bad input fails before any ref changes.
   */
  deploy(opts: DeployOptions): Promise<DeployResult> {
    return this.lock.run(async () => {
      const { signal, target } = opts;
      const branch =
        opts.branch ?? (opts.session ? await this.workspaces.findBranch(opts.session.id, { signal }) : undefined);
      if (branch === undefined) {
        throw new GitError(
          'git.branch_not_found',
          opts.session ? `session ${opts.session.id} has no branch` : 'deploy: give a session or a branch',
        );
      }
      const head = await this.branchHead(branch, signal);
      const old = await this.branchHead(target, signal);
      await this.assertNotCheckedOut(target, signal);
      const ancestor = (a: string, b: string) =>
        this.workspaces.git
          .run(['merge-base', '--is-ancestor', a, b], this.call(signal, { okExitCodes: [0, 1] }))
          .then((r) => r.exitCode === 0);
      if (await ancestor(head, old)) {
        throw new GitError('git.nothing_to_deploy', `'${target}' already holds every commit of '${branch}'`);
      }
      const commits = await findSessionCommits(this.workspaces.git, {
        gitDir: this.workspaces.repository.commonDir,
        rev: head,
        exclude: [old],
        signal,
      });
      const version =
        opts.version ?? commits.find((c) => c.kind === 'foundation' && c.foundationVersion !== '')?.foundationVersion;
      if (version === undefined || version.trim() === '') {
        throw new GitError(
          'git.invalid_option',
          `'${branch}' has no Foundation commit to take the version from: pass version`,
        );
      }
      const tag = releaseTag(this.prefix, version);
      await this.tagFree(tag, signal);
      const sessionIds = [...new Set(commits.map((c) => c.sessionId))].reverse();
      let promoted = head;
      if ((opts.mode ?? 'fast-forward') === 'fast-forward') {
        if (!(await ancestor(old, head))) {
          throw new GitError(
            'git.not_fast_forward',
            `'${target}' has commits that '${branch}' lacks: deploy with mode 'merge', or rebase the branch`,
          );
        }
      } else {
        promoted = await this.mergeCommit(old, head, branch, target, signal);
      }
      const seq = (await this.history({ signal })).length + 1;
      await this.emit({
        type: 'deploy.started',
        at: this.now(),
        tag,
        target,
        sha: promoted,
        previousSha: old,
        version,
        sessionIds,
      });
      await this.git(['update-ref', '-m', `sessionhub: deploy ${tag}`, `refs/heads/${target}`, promoted, old], signal);
      const title = `SessionHub release v${version}: ${branch} to ${target}`;
      await this.writeTag(
        tag,
        promoted,
        formatRecord(title, { kind: 'deploy', seq, target, previousSha: old, version, sessionIds, branch }),
        signal,
      );
      const release = (await this.history({ signal })).find((r) => r.tag === tag) as ReleaseRecord;
      let check: CheckResult | undefined;
      if (opts.check) {
        check = await runPostDeployCheck({
          git: this.workspaces.git,
          commonDir: this.workspaces.repository.commonDir,
          workspacesDir: this.workspaces.workspacesDir,
          sha: promoted,
          name: tag.replace(/[^A-Za-z0-9.-]/g, '-'),
          check: opts.check,
          signal,
        });
      }
      if (check && !check.passed) {
        const reason = `post-deploy check failed (${check.timedOut ? 'timed out' : `exit ${check.exitCode}`})`;
        const rollback = await this.rollBackTo(release, { signal, force: false, reason }, check);
        return { status: 'rolled_back', release, rollback, check };
      }
      await this.push(target, [tag], signal);
      await this.emit({ type: 'deploy.succeeded', at: this.now(), tag, target, sha: promoted, check });
      return { status: 'succeeded', release, check };
    });
  }

  private async mergeCommit(
    old: string,
    head: string,
    branch: string,
    target: string,
    signal: AbortSignal,
  ): Promise<string> {
    const merged = await this.workspaces.git.run(
      ['merge-tree', '--write-tree', '--name-only', '--no-messages', old, head],
      this.call(signal, { okExitCodes: [0, 1] }),
    );
    const [tree = '', ...conflicted] = merged.stdout.trim().split('\n');
    if (merged.exitCode === 1) {
      throw new GitError(
        'git.merge_conflict',
        `merging '${branch}' into '${target}' conflicts in ${conflicted.filter((f) => f !== '').join(', ')}: ` +
          `resolve it on '${branch}' (merge '${target}' into it), then deploy again`,
      );
    }
    return await this.git(['commit-tree', tree, '-p', old, '-p', head, '-F', '-'], signal, {
      input: `Merge ${branch} into ${target}\n`,
      env: { ...this.workspaces.identityEnv },
      config: ['commit.gpgSign=false'],
    });
  }

  /**
   * Returns the target of the release `tagOrVersion` (`sessionhub/v1.2`, `v1.2` or `1.2`) to that
   * release's tree: a revert commit on top (or a reset, with `rewriteOnRollback`), recorded as a
   * `rollback` record and a `deploy.rolled_back` event. Refuses with `git.target_moved` when the
   * target moved since the last release (someone's commits would be reverted), unless `force`.
   */
  rollback(tagOrVersion: string, opts: RollbackOptions): Promise<ReleaseRecord> {
    return this.lock.run(async () => {
      const records = await this.history(opts);
      const tag = tagOrVersion.startsWith(`${this.prefix}/`) ? tagOrVersion : releaseTag(this.prefix, tagOrVersion);
      const to = records.find((r) => r.tag === tag && r.kind === 'deploy');
      if (to === undefined) {
        throw new GitError('git.release_not_found', `no release '${tag}': see history() for the releases there are`);
      }
      const rollback = await this.rollBackFrom(records, to, opts);
      await this.push(to.target, [rollback.tag], opts.signal);
      return rollback;
    });
  }

  /** The automatic rollback of a release whose check failed: back to the release before it. */
  private async rollBackTo(failed: ReleaseRecord, opts: RollbackOptions, check: CheckResult): Promise<ReleaseRecord> {
    const records = await this.history(opts);
    const before = records
      .filter((r) => r.target === failed.target && r.seq < failed.seq && r.kind === 'deploy')
      .at(-1);
    const restore = before ?? { ...failed, tag: failed.previousSha, sha: failed.previousSha, version: '' };
    const rollback = await this.rollBackFrom(records, restore, opts, failed.tag, check);
    await this.push(failed.target, [failed.tag, rollback.tag], opts.signal);
    return rollback;
  }

  private async rollBackFrom(
    records: ReleaseRecord[],
    to: Pick<ReleaseRecord, 'tag' | 'sha' | 'target' | 'version'>,
    opts: RollbackOptions,
    undone?: string,
    check?: CheckResult,
  ): Promise<ReleaseRecord> {
    const { signal } = opts;
    const target = to.target;
    const current = await this.branchHead(target, signal);
    const last = records.filter((r) => r.target === target).at(-1);
    if (last !== undefined && current !== last.sha && !opts.force) {
      throw new GitError(
        'git.target_moved',
        `'${target}' moved since ${last.tag} (it is at ${current.slice(0, 12)}, the release left ${last.sha.slice(0, 12)}): ` +
          'rolling back would revert those commits; pass force: true to roll back anyway',
      );
    }
    const rolledBack = undone ?? last?.tag ?? current;
    // The deploys on this target after the release restored: their sessions' work is undone.
    const restoredAt = records.findIndex((r) => r.tag === to.tag);
    const undoneSessions = [
      ...new Set(
        records
          .filter((r, i) => i > restoredAt && r.target === target && r.kind === 'deploy')
          .flatMap((r) => r.sessionIds),
      ),
    ];
    const reason = opts.reason ?? 'rollback requested';
    let sha: string;
    if (this.options.rewriteOnRollback) {
      sha = to.sha;
    } else {
      sha = await this.git(['commit-tree', `${to.sha}^{tree}`, '-p', current, '-F', '-'], signal, {
        input: `Roll back ${target} to ${to.tag}\n\n${reason}. Reverts ${rolledBack}.\n`,
        env: { ...this.workspaces.identityEnv },
        config: ['commit.gpgSign=false'],
      });
    }
    await this.git(
      ['update-ref', '-m', `sessionhub: rollback to ${to.tag}`, `refs/heads/${target}`, sha, current],
      signal,
    );
    const seq = records.length + 1;
    const tag = `${this.prefix}/rollback-${seq}`;
    const message = formatRecord(`SessionHub rollback of ${target} to ${to.tag}`, {
      kind: 'rollback',
      seq,
      target,
      previousSha: current,
      version: to.version,
      sessionIds: [],
      rolledBack,
      restored: to.tag,
      reason,
    });
    await this.writeTag(tag, sha, message, signal);
    const record = (await this.history({ signal })).find((r) => r.tag === tag) as ReleaseRecord;
    await this.emit({
      type: 'deploy.rolled_back',
      at: this.now(),
      tag: rolledBack,
      target,
      sha,
      restored: to.tag,
      reason,
      check,
      sessionIds: undoneSessions,
    });
    return record;
  }
}
