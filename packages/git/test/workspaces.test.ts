import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGitWorkspaces } from '../src/index.js';
import { git, INSTRUCTION, makeRepo, PASSED, sessionOf, signal, tempDirs } from './helpers.js';

const tmp = tempDirs();

/** Every `*.lock` file under a directory. */
function locks(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((p) => p.endsWith('.lock'));
}

describe('GitWorkspaces: a worktree and branch per session', () => {
  it('opens a worktree on a session branch from the base ref, and the same directory on resume', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    const ws = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws') });
    const session = sessionOf('s-1');
    const dir = await ws.open(session, { signal: signal() });
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('# demo\n');
    const branch = await ws.findBranch('s-1', { signal: signal() });
    expect(branch).toMatch(/^sessionhub\/1\.1-add-pagination-[0-9a-f]{10}$/);
    expect(git(repo, 'rev-parse', `${branch}`)).toBe(git(repo, 'rev-parse', 'main'));
    writeFileSync(join(dir, 'work.txt'), 'in progress\n');
    // A second resolver (a fresh process after a crash) finds the same directory, work intact.
    const again = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws') });
    expect(await again.open(session, { signal: signal() })).toBe(dir);
    expect(readFileSync(join(dir, 'work.txt'), 'utf8')).toBe('in progress\n');
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(2);
  });

  it('starts branches from a configured base ref', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    git(repo, 'checkout', '-q', '-b', 'develop');
    writeFileSync(join(repo, 'dev.txt'), 'dev\n');
    git(repo, 'add', 'dev.txt');
    git(repo, 'commit', '-q', '-m', 'dev');
    git(repo, 'checkout', '-q', 'main');
    const ws = await createGitWorkspaces({ repository: repo, baseRef: 'develop', workspacesDir: join(root, 'ws') });
    const dir = await ws.open(sessionOf('s-dev'), { signal: signal() });
    expect(existsSync(join(dir, 'dev.txt'))).toBe(true);
  });

  it('never touches the user checkout, index or stash', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    writeFileSync(join(repo, 'README.md'), 'stashed\n');
    git(repo, 'stash', '-q');
    writeFileSync(join(repo, 'untracked.txt'), 'mine\n');
    const before = {
      head: git(repo, 'rev-parse', 'HEAD'),
      index: readFileSync(join(repo, '.git', 'index')),
      stash: git(repo, 'stash', 'list'),
      status: git(repo, 'status', '--porcelain'),
    };
    const ws = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws') });
    const session = sessionOf('s-2');
    const dir = await ws.open(session, { signal: signal() });
    writeFileSync(join(dir, 'README.md'), 'changed by the session\n');
    await ws.commitVerified(
      session,
      { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
      { signal: signal() },
    );
    await ws.close(session, { outcome: 'succeeded' }, { signal: signal() });
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(before.head);
    expect(readFileSync(join(repo, '.git', 'index')).equals(before.index)).toBe(true);
    expect(git(repo, 'stash', 'list')).toBe(before.stash);
    expect(git(repo, 'status', '--porcelain')).toBe(before.status);
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('# demo\n');
  });

  it('close removes the worktree; a succeeded session with commits keeps its branch, others lose it', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    const ws = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws') });
    const done = sessionOf('s-done');
    const dirDone = await ws.open(done, { signal: signal() });
    writeFileSync(join(dirDone, 'feature.txt'), 'feature\n');
    await ws.commitVerified(done, { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 }, { signal: signal() });
    const empty = sessionOf('s-empty');
    await ws.open(empty, { signal: signal() });
    const failed = sessionOf('s-failed');
    const dirFailed = await ws.open(failed, { signal: signal() });
    writeFileSync(join(dirFailed, 'half.txt'), 'half\n');
    await ws.close(done, { outcome: 'succeeded' }, { signal: signal() });
    await ws.close(empty, { outcome: 'succeeded' }, { signal: signal() });
    await ws.close(failed, { outcome: 'failed' }, { signal: signal() });
    await ws.close(failed, { outcome: 'failed' }, { signal: signal() }); // idempotent
    expect(existsSync(dirDone) || existsSync(dirFailed)).toBe(false);
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(git(repo, 'branch', '--list', 'sessionhub/*').trim().split('\n')).toHaveLength(1);
    expect(await ws.findBranch('s-done', { signal: signal() })).toBeDefined();
  });

  it('keeps a failed session worktree and branch on request', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    const ws = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws'), keepFailed: true });
    const failed = sessionOf('s-keep');
    const dir = await ws.open(failed, { signal: signal() });
    writeFileSync(join(dir, 'evidence.txt'), 'look here\n');
    await ws.close(failed, { outcome: 'failed' }, { signal: signal() });
    expect(readFileSync(join(dir, 'evidence.txt'), 'utf8')).toBe('look here\n');
    expect(await ws.findBranch('s-keep', { signal: signal() })).toBeDefined();
    await ws.close(failed, { outcome: 'cancelled' }, { signal: signal() });
    expect(existsSync(dir)).toBe(false);
  });

  it('prune removes leftovers of a crashed process but keeps active sessions and branches with commits', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    const ws = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws') });
    const active = sessionOf('active');
    await ws.open(active, { signal: signal() });
    await ws.open(sessionOf('crashed-1'), { signal: signal() });
    const withWork = sessionOf('crashed-2');
    writeFileSync(join(await ws.open(withWork, { signal: signal() }), 'x.txt'), 'x\n');
    await ws.commitVerified(
      withWork,
      { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
      { signal: signal() },
    );
    // A crash in the middle of `git worktree add` leaves a locked, half-made record and an index lock.
    const admin = join(repo, '.git', 'worktrees', 'crashed-1');
    writeFileSync(join(admin, 'locked'), 'initializing');
    writeFileSync(join(admin, 'index.lock'), '');
    const report = await ws.prune({ signal: signal(), isActive: (id) => id === 'active' });
    expect(report.worktrees.map((p) => p.split('/').pop()).sort()).toEqual(['crashed-1', 'crashed-2']);
    expect(report.branches).toHaveLength(1);
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(2);
    expect(await ws.findBranch('crashed-2', { signal: signal() })).toBeDefined();
    expect(await ws.findBranch('active', { signal: signal() })).toBeDefined();
    expect(locks(join(repo, '.git'))).toEqual([]);
  });

  it('20 sessions in a row leave no worktree, branch or lock behind (200 in npm run stress)', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    const ws = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws') });
    const gitBytes = () => Number(execFileSync('du', ['-sb', join(repo, '.git')], { encoding: 'utf8' }).split('\t')[0]);
    const before = gitBytes();
    for (let i = 0; i < 20; i++) {
      const session = sessionOf(`row-${i}`);
      const dir = await ws.open(session, { signal: signal() });
      writeFileSync(join(dir, 'scratch.txt'), `${i}\n`);
      await ws.close(session, { outcome: i % 2 === 0 ? 'failed' : 'cancelled' }, { signal: signal() });
    }
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(git(repo, 'branch', '--list')).toBe('* main');
    expect(existsSync(join(repo, '.git', 'worktrees'))).toBe(false);
    expect(readdirSync(join(root, 'ws'))).toEqual([]);
    expect(locks(join(repo, '.git'))).toEqual([]);
    // Worktrees share the object store: twenty sessions leave the repository about as big as it was.
    expect(gitBytes() - before).toBeLessThan(256 * 1024);
  });

  it('warm worktrees: open claims one (also after the base moved), refills, and dispose removes them', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    const ws = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws'), warmWorktrees: 1 });
    await ws.warm({ signal: signal() });
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(2);
    // The base moves after the pool was filled: the claimed worktree is brought up to it.
    writeFileSync(join(repo, 'new-on-main.txt'), 'new\n');
    git(repo, 'add', 'new-on-main.txt');
    git(repo, 'commit', '-q', '-m', 'new on main');
    const session = sessionOf('warm-1');
    const dir = await ws.open(session, { signal: signal() });
    expect(dir).toBe(ws.dirOf('warm-1'));
    expect(readFileSync(join(dir, 'new-on-main.txt'), 'utf8')).toBe('new\n');
    const branch = (await ws.findBranch('warm-1', { signal: signal() })) as string;
    expect(git(repo, 'rev-parse', branch)).toBe(git(repo, 'rev-parse', 'main'));
    expect(git(repo, 'worktree', 'list', '--porcelain')).toContain(`branch refs/heads/${branch}`);
    writeFileSync(join(dir, 'work.txt'), 'work\n');
    const commit = await ws.commitVerified(
      session,
      { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
      { signal: signal() },
    );
    expect(git(repo, 'show', '--name-only', '--format=', commit.sha as string)).toBe('work.txt');
    await ws.close(session, { outcome: 'succeeded' }, { signal: signal() });
    await ws.warm({ signal: signal() });
    await ws.dispose({ signal: signal() });
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(readdirSync(join(root, 'ws'))).toEqual([]);
  });

  it('a workspace whose .git file the sandbox removed is still found on resume, work intact', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    const ws = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws') });
    const session = sessionOf('no-dot-git');
    const dir = await ws.open(session, { signal: signal() });
    writeFileSync(join(dir, 'work.txt'), 'precious\n');
    rmSync(join(dir, '.git'));
    expect(await ws.open(session, { signal: signal() })).toBe(dir);
    expect(readFileSync(join(dir, 'work.txt'), 'utf8')).toBe('precious\n');
    const commit = await ws.commitVerified(
      session,
      { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
      { signal: signal() },
    );
    expect(git(repo, 'show', '--name-only', '--format=', commit.sha as string)).toBe('work.txt');
  });
});
