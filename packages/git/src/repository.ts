import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { GitError } from './errors.js';
import type { GitRunner } from './git-runner.js';

/** The oldest git this package runs on: `merge-tree --write-tree` arrived in 2.38. */
export const MIN_GIT_VERSION: readonly [number, number] = [2, 38];

/** The user's repository, as found and checked once. */
export interface RepositoryInfo {
  /** The common git directory (`.git` of the main checkout, or the bare repository). */
  commonDir: string;
  /** The git directory of the user's checkout (differs from `commonDir` when it is a linked worktree). */
  gitDir: string;
  /** The top of the user's checkout, or `undefined` for a bare repository. */
  topLevel: string | undefined;
  /** The git version, e.g. `2.39.5`. */
  gitVersion: string;
}

/** Checks that git runs and is new enough; returns its version. */
export async function checkGitVersion(gitBinary: string, signal?: AbortSignal): Promise<string> {
  const out = await new Promise<string>((done, fail) => {
    execFile(
      gitBinary,
      ['--version'],
      { signal, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
      (error, stdout) => {
        if (error === null) return done(stdout);
        if (signal?.aborted) return fail(signal.reason);
        fail(
          new GitError('git.not_installed', `git could not be run (${gitBinary}): install git 2.38 or newer`, {
            cause: error,
          }),
        );
      },
    );
  });
  const match = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(out);
  if (match === null) throw new GitError('git.not_installed', `'${gitBinary} --version' did not print a git version`);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major < MIN_GIT_VERSION[0] || (major === MIN_GIT_VERSION[0] && minor < MIN_GIT_VERSION[1])) {
    throw new GitError(
      'git.too_old',
      `git ${match[0].slice(12)} is too old: @sessionhub/git needs ${MIN_GIT_VERSION.join('.')} or newer; upgrade git`,
    );
  }
  return match[0].slice(12);
}

/** Opens the user's repository at `path` (its top level, or a bare repository): never a directory above it. */
export async function openRepository(git: GitRunner, path: string, signal?: AbortSignal): Promise<RepositoryInfo> {
  const gitVersion = await checkGitVersion(git.gitBinary, signal);
  if (typeof path !== 'string' || path === '') {
    throw new GitError('git.invalid_option', 'repository: give the path of a git repository');
  }
  const dir = resolve(path);
  const st = await stat(dir).catch(() => undefined);
  if (st === undefined || !st.isDirectory()) {
    throw new GitError('git.not_a_repository', `${dir} is not a directory: give the path of a git repository`);
  }
  const probe = await git.run(
    ['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--git-common-dir', '--show-toplevel'],
    {
      cwd: dir,
      signal,
      okExitCodes: [0, 128],
    },
  );
  if (probe.exitCode !== 0) {
    throw new GitError(
      'git.not_a_repository',
      `${dir} is not a git repository (run 'git init' there, or pass the top of your checkout)`,
    );
  }
  const [bareLine, gitDir = dir, commonLine, topLine] = probe.stdout.split('\n');
  const bare = bareLine === 'true';
  const commonDir = isAbsolute(commonLine ?? '') ? (commonLine as string) : resolve(dir, commonLine ?? '.');
  const topLevel = bare ? undefined : topLine;
  return { commonDir, gitDir, topLevel, gitVersion };
}

/** The branch the user's checkout is on; `git.detached_head` when none. */
export async function currentBranch(git: GitRunner, repo: RepositoryInfo, signal?: AbortSignal): Promise<string> {
  const head = await git.run(['symbolic-ref', '--quiet', '--short', 'HEAD'], {
    gitDir: repo.gitDir,
    signal,
    okExitCodes: [0, 1],
  });
  if (head.exitCode !== 0) {
    throw new GitError(
      'git.detached_head',
      'the checkout has a detached HEAD: check out a branch, or pass baseRef (the ref sessions start from)',
    );
  }
  return head.stdout.trim();
}

/** The commit a ref names; `git.base_ref_not_found` when it names none. */
export async function resolveCommit(
  git: GitRunner,
  repo: RepositoryInfo,
  ref: string,
  signal?: AbortSignal,
): Promise<string> {
  if (ref.startsWith('-') || ref.includes('\0') || ref.trim() === '') {
    throw new GitError('git.base_ref_not_found', `'${ref}' is not a ref: give a branch, tag or commit`);
  }
  const out = await git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    gitDir: repo.commonDir,
    signal,
    okExitCodes: [0, 1],
  });
  if (out.exitCode !== 0) {
    throw new GitError(
      'git.base_ref_not_found',
      `the ref '${ref}' does not exist in ${repo.commonDir}: create it, or pass an existing branch, tag or commit`,
    );
  }
  return out.stdout.trim();
}

/** Fails with `git.dirty_checkout` when the user's checkout has uncommitted changes to tracked files. */
export async function assertCleanCheckout(git: GitRunner, repo: RepositoryInfo, signal?: AbortSignal): Promise<void> {
  if (repo.topLevel === undefined) return;
  const out = await git.text(['status', '--porcelain', '--untracked-files=no', '--ignore-submodules=all'], {
    gitDir: repo.gitDir,
    workTree: repo.topLevel,
    signal,
  });
  if (out !== '') {
    const files = out
      .split('\n')
      .slice(0, 5)
      .map((l) => l.slice(3));
    throw new GitError(
      'git.dirty_checkout',
      `${repo.topLevel} has uncommitted changes (${files.join(', ')}${out.split('\n').length > 5 ? ', ...' : ''}): ` +
        'sessions start from committed work, so commit or stash them first, or pass allowDirty: true',
    );
  }
}
