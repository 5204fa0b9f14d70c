import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGitWorkspaces, type GitErrorCode } from '../src/index.js';
import { git, makeRepo, tempDirs } from './helpers.js';

const tmp = tempDirs();

async function rejectsWith(promise: Promise<unknown>, code: GitErrorCode, says: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ name: 'GitError', code });
  expect((error as Error).message).toMatch(says);
}

describe('bad input: typed errors that say what to do, nothing half-done', () => {
  it('a path that is not a repository, or is inside one', async () => {
    const root = tmp();
    await rejectsWith(
      createGitWorkspaces({ repository: join(root, 'missing') }),
      'git.not_a_repository',
      /not a directory/,
    );
    mkdirSync(join(root, 'plain'));
    await rejectsWith(createGitWorkspaces({ repository: join(root, 'plain') }), 'git.not_a_repository', /git init/);
    const repo = makeRepo(root, { 'sub/file.txt': 'x\n' });
    await rejectsWith(
      createGitWorkspaces({ repository: join(repo, 'sub') }),
      'git.not_a_repository',
      /pass the top of your checkout/,
    );
  });

  it('a base ref that does not exist', async () => {
    const repo = makeRepo(tmp());
    await rejectsWith(
      createGitWorkspaces({ repository: repo, baseRef: 'no-such-branch' }),
      'git.base_ref_not_found',
      /no-such-branch/,
    );
    await rejectsWith(
      createGitWorkspaces({ repository: repo, baseRef: '--output=/tmp/x' }),
      'git.base_ref_not_found',
      /not a ref/,
    );
  });

  it('a checkout with uncommitted changes (unless allowDirty), and a detached HEAD', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    writeFileSync(join(repo, 'README.md'), 'edited\n');
    await rejectsWith(createGitWorkspaces({ repository: repo }), 'git.dirty_checkout', /README\.md.*commit or stash/);
    await expect(
      createGitWorkspaces({ repository: repo, allowDirty: true, workspacesDir: join(root, 'ws') }),
    ).resolves.toBeDefined();
    git(repo, 'checkout', '-q', '--', 'README.md');
    git(repo, 'checkout', '-q', '--detach', 'HEAD');
    await rejectsWith(
      createGitWorkspaces({ repository: repo }),
      'git.detached_head',
      /check out a branch, or pass baseRef/,
    );
    await expect(
      createGitWorkspaces({ repository: repo, baseRef: 'main', workspacesDir: join(root, 'ws') }),
    ).resolves.toBeDefined();
  });

  it('git missing, or too old', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    await rejectsWith(
      createGitWorkspaces({ repository: repo, gitBinary: join(root, 'no-git-here') }),
      'git.not_installed',
      /install git 2\.38 or newer/,
    );
    // An old git, as `git --version` of git 2.30 reports itself.
    const oldGit = join(root, 'old-git');
    writeFileSync(oldGit, '#!/bin/sh\necho "git version 2.30.2"\n');
    chmodSync(oldGit, 0o755);
    await rejectsWith(
      createGitWorkspaces({ repository: repo, gitBinary: oldGit }),
      'git.too_old',
      /2\.30\.2 is too old.*2\.38/,
    );
  });

  it('bad options: identity, branch prefix, a workspaces directory inside the repository', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    await rejectsWith(
      createGitWorkspaces({ repository: repo, author: { name: 'A <evil>', email: 'a@b' } }),
      'git.invalid_option',
      /author/,
    );
    await rejectsWith(
      createGitWorkspaces({ repository: repo, branchPrefix: '../x' }),
      'git.invalid_option',
      /branchPrefix/,
    );
    await rejectsWith(
      createGitWorkspaces({ repository: repo, workspacesDir: join(repo, 'worktrees') }),
      'git.invalid_option',
      /outside/,
    );
    // Nothing was left in the user's repository by any of these.
    expect(existsSync(join(repo, 'worktrees'))).toBe(false);
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(git(repo, 'branch', '--list')).toBe('* main');
    expect(readdirSync(join(repo, '.git')).filter((f) => f.endsWith('.lock'))).toEqual([]);
  });
});
