import { createHash } from 'node:crypto';
import { mkdir, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { GitError } from './errors.js';
import { GitRunner } from './git-runner.js';
import { GitWorkspaces } from './git-workspaces.js';
import { DEFAULT_IDENTITY, type GitIdentity, type GitWorkspacesOptions, identityEnv } from './options.js';
import { isInside } from './paths.js';
import { assertCleanCheckout, currentBranch, openRepository, resolveCommit } from './repository.js';

function checkIdentity(what: string, id: GitIdentity | undefined): GitIdentity | undefined {
  if (id === undefined) return undefined;
  const bad = (v: unknown) => typeof v !== 'string' || v.trim() === '' || /[<>\n\r\0]/.test(v);
  if (bad(id.name) || bad(id.email)) {
    throw new GitError('git.invalid_option', `${what}: give a name and an email without '<', '>' or line breaks`);
  }
  return id;
}

/**
 * Opens the user's repository for SessionHub: checks git (installed, 2.38+), the repository, the base
 * ref, a clean checkout and the options, before any session runs. Every bad input is a {@link GitError}.
 */
export async function createGitWorkspaces(options: GitWorkspacesOptions): Promise<GitWorkspaces> {
  const signal = options.signal;
  const author = checkIdentity('author', options.author) ?? DEFAULT_IDENTITY;
  const committer = checkIdentity('committer', options.committer) ?? author;
  const prefix = options.branchPrefix ?? 'sessionhub';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(prefix)) {
    throw new GitError('git.invalid_option', `branchPrefix '${prefix}': use letters, digits, '-' and '_'`);
  }
  const warm = options.warmWorktrees ?? 0;
  if (!Number.isInteger(warm) || warm < 0 || warm > 16) {
    throw new GitError('git.invalid_option', `warmWorktrees ${warm}: give a whole number from 0 to 16`);
  }
  const git = new GitRunner({ gitBinary: options.gitBinary, userConfig: options.userConfig || options.sign });
  const repo = await openRepository(git, options.repository, signal);
  const baseRef = options.baseRef ?? (await currentBranch(git, repo, signal));
  await resolveCommit(git, repo, baseRef, signal);
  if (!options.allowDirty) await assertCleanCheckout(git, repo, signal);
  const hash = createHash('sha256').update(repo.commonDir).digest('hex').slice(0, 8);
  const wanted = resolve(
    options.workspacesDir ??
      join(tmpdir(), 'sessionhub-worktrees', `${basename(repo.topLevel ?? repo.commonDir)}-${hash}`),
  );
  // Checked before anything is made, so a refused directory is not left behind in the repository.
  const dir = await realpathOfNew(wanted);
  const repoDirs = [await realpath(repo.commonDir), ...(repo.topLevel ? [await realpath(repo.topLevel)] : [])];
  if (repoDirs.some((r) => isInside(dir, r) || isInside(r, dir))) {
    throw new GitError(
      'git.invalid_option',
      `workspacesDir ${dir} overlaps the repository (${repoDirs.join(', ')}): choose a directory outside it`,
    );
  }
  await mkdir(dir, { recursive: true });
  return new GitWorkspaces({
    git,
    repo,
    baseRef,
    workspacesDir: dir,
    prefix,
    keepFailed: options.keepFailed ?? false,
    identity: identityEnv(author, committer),
    sign: options.sign ?? false,
    warmWorktrees: warm,
  });
}

/** The real path a directory will have: its nearest existing ancestor resolved, the rest appended. */
async function realpathOfNew(path: string): Promise<string> {
  const rest: string[] = [];
  let at = path;
  for (;;) {
    const real = await realpath(at).catch(() => undefined);
    if (real !== undefined) return join(real, ...rest);
    if (dirname(at) === at) return path;
    rest.unshift(basename(at));
    at = dirname(at);
  }
}
