import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryStore } from '@sessionhub/core';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { afterAll, describe, expect, it } from 'vitest';
import { createGitWorkspaces, type DeployEvent, GitReleases, recordRollbackOutcomes } from '../src/index.js';
import { git, INSTRUCTION, makeRepo, PASSED, sessionOf, signal, tempDirs } from './helpers.js';

const tmp = tempDirs();
const provider = new ProcessSandboxProvider({ allowUnisolated: true });
afterAll(() => provider.close());

/** A repository with a `release` branch and one finished session per entry of `versions`. */
async function setup(versions: string[] = ['1.1'], extra: { remote?: string } = {}) {
  const root = tmp();
  const repo = makeRepo(root, { 'check.sh': 'test "$(cat status.txt)" = ok\n', 'status.txt': 'ok\n' });
  git(repo, 'branch', 'release');
  // Each session starts from what is released, as a release train does.
  const ws = await createGitWorkspaces({ repository: repo, baseRef: 'release', workspacesDir: join(root, 'ws') });
  const events: DeployEvent[] = [];
  const releases = new GitReleases(ws, { onEvent: (e) => void events.push(e), ...extra });
  const sessions = [];
  for (const [i, version] of versions.entries()) {
    sessions.push(await finishSession(ws, `session-${i}`, version, { [`feature-${i}.txt`]: `feature ${i}\n` }));
  }
  return { root, repo, ws, releases, events, sessions };
}

/** Opens a session, writes files, commits work and Foundation, closes it as succeeded. */
async function finishSession(
  ws: Awaited<ReturnType<typeof createGitWorkspaces>>,
  id: string,
  version: string,
  files: Record<string, string>,
) {
  const session = sessionOf(id, { version });
  const dir = await ws.open(session, { signal: signal() });
  for (const [p, c] of Object.entries(files)) writeFileSync(join(dir, p), c);
  await ws.commitVerified(session, { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 }, { signal: signal() });
  writeFileSync(join(dir, 'FOUNDATION.md'), `Current Version: ${version}\n`);
  await ws.commitFoundation(session, { path: 'FOUNDATION.md', version }, { signal: signal() });
  await ws.close(session, { outcome: 'succeeded' }, { signal: signal() });
  return session;
}

const check = (command: string) => ({ command, sandbox: provider, timeoutMs: 30_000 });

describe('deploy', () => {
  it('fast-forwards the target, tags sessionhub/v<Foundation version> and records what was promoted', async () => {
    const { repo, releases, events, sessions } = await setup();
    const branchHead = git(
      repo,
      'rev-parse',
      (await releases.workspaces.findBranch('session-0', { signal: signal() })) as string,
    );
    const before = git(repo, 'rev-parse', 'release');
    const result = await releases.deploy({
      session: sessions[0],
      target: 'release',
      check: check('sh check.sh'),
      signal: signal(),
    });
    expect(result.status).toBe('succeeded');
    expect(result.check?.passed).toBe(true);
    expect(git(repo, 'rev-parse', 'release')).toBe(branchHead);
    expect(git(repo, 'rev-parse', 'sessionhub/v1.1^{commit}')).toBe(branchHead);
    expect(git(repo, 'cat-file', '-t', 'sessionhub/v1.1')).toBe('tag');
    expect(result.release).toMatchObject({
      kind: 'deploy',
      tag: 'sessionhub/v1.1',
      seq: 1,
      target: 'release',
      sha: branchHead,
      previousSha: before,
      version: '1.1',
      sessionIds: ['session-0'],
    });
    expect(events.map((e) => e.type)).toEqual(['deploy.started', 'deploy.succeeded']);
    expect(await releases.history({ signal: signal() })).toEqual([result.release]);
    // The user's checkout is on main and untouched.
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
  });

  it('a failing post-deploy check rolls back to the previous release tree with a revert commit', async () => {
    const { repo, ws, releases, events, sessions } = await setup(['1.1']);
    const first = await releases.deploy({ session: sessions[0], target: 'release', signal: signal() });
    const broken = await finishSession(ws, 'session-broken', '1.2', { 'status.txt': 'broken\n' });
    events.length = 0;
    const result = await releases.deploy({
      session: broken,
      target: 'release',
      check: check('sh check.sh'),
      signal: signal(),
    });
    expect(result.status).toBe('rolled_back');
    expect(result.check).toMatchObject({ passed: false, exitCode: 1 });
    const head = git(repo, 'rev-parse', 'release');
    expect(git(repo, 'rev-parse', 'release^{tree}')).toBe(git(repo, 'rev-parse', `${first.release.sha}^{tree}`));
    expect(git(repo, 'rev-parse', 'release^')).toBe(result.release.sha); // history kept, not rewritten
    expect(git(repo, 'log', '-1', '--format=%s', 'release')).toBe('Roll back release to sessionhub/v1.1');
    expect(result.rollback).toMatchObject({
      kind: 'rollback',
      sha: head,
      rolledBack: 'sessionhub/v1.2',
      restored: 'sessionhub/v1.1',
    });
    expect(events.map((e) => e.type)).toEqual(['deploy.started', 'deploy.rolled_back']);
    expect((await releases.history({ signal: signal() })).map((r) => r.tag)).toEqual([
      'sessionhub/v1.1',
      'sessionhub/v1.2',
      'sessionhub/rollback-3',
    ]);
  });

  it('a rollback names the sessions whose work it undid, and records rolled_back on their logs', async () => {
    const { ws, releases, events, sessions } = await setup(['1.1']);
    await releases.deploy({ session: sessions[0], target: 'release', signal: signal() });
    const broken = await finishSession(ws, 'session-broken', '1.2', { 'status.txt': 'broken\n' });
    await releases.deploy({ session: broken, target: 'release', check: check('sh check.sh'), signal: signal() });
    const rolledBack = events.find((e) => e.type === 'deploy.rolled_back');
    if (rolledBack?.type !== 'deploy.rolled_back') throw new Error('no deploy.rolled_back event');
    // Only the failed release's session: the release restored (session-0's) stays deployed.
    expect(rolledBack.sessionIds).toEqual(['session-broken']);

    const store = new MemoryStore();
    for (const id of ['session-0', 'session-broken']) await store.createSession(sessionOf(id, { state: 'succeeded' }));
    expect(await recordRollbackOutcomes(store, rolledBack)).toEqual(['session-broken']);
    const recorded = (await store.readEvents('session-broken')).filter((e) => e.type === 'outcome.recorded');
    expect(recorded).toMatchObject([{ outcome: { kind: 'rolled_back', source: 'git', note: rolledBack.reason } }]);
    expect(await store.readEvents('session-0')).toEqual([]);
    expect((await store.analytics()).overall).toMatchObject({ merged: 0, rejected: 1 });
  });

  it('merge mode makes a merge commit when the target has moved; fast-forward mode refuses', async () => {
    const { repo, releases, sessions } = await setup();
    git(repo, 'checkout', '-q', 'release');
    writeFileSync(join(repo, 'hotfix.txt'), 'hotfix\n');
    git(repo, 'add', 'hotfix.txt');
    git(repo, 'commit', '-q', '-m', 'hotfix');
    git(repo, 'checkout', '-q', 'main');
    const hotfix = git(repo, 'rev-parse', 'release');
    await expect(releases.deploy({ session: sessions[0], target: 'release', signal: signal() })).rejects.toMatchObject({
      code: 'git.not_fast_forward',
    });
    expect(git(repo, 'rev-parse', 'release')).toBe(hotfix);
    const result = await releases.deploy({ session: sessions[0], target: 'release', mode: 'merge', signal: signal() });
    expect(git(repo, 'rev-list', '--parents', '-n', '1', 'release').split(' ')).toHaveLength(3);
    expect(git(repo, 'show', 'release:hotfix.txt')).toBe('hotfix');
    expect(git(repo, 'show', 'release:feature-0.txt')).toBe('feature 0');
    expect(result.release.previousSha).toBe(hotfix);
  });

  it('refuses a conflicting promote, an existing tag, a checked-out target and a missing target, changing nothing', async () => {
    const { repo, releases, sessions } = await setup();
    git(repo, 'checkout', '-q', 'release');
    writeFileSync(join(repo, 'feature-0.txt'), 'conflicting\n');
    git(repo, 'add', 'feature-0.txt');
    git(repo, 'commit', '-q', '-m', 'conflict');
    const snapshot = () => git(repo, 'for-each-ref');
    const refs = snapshot();
    await expect(
      releases.deploy({ session: sessions[0], target: 'release', mode: 'merge', signal: signal() }),
    ).rejects.toMatchObject({
      code: 'git.target_checked_out',
    });
    git(repo, 'checkout', '-q', 'main');
    await expect(
      releases.deploy({ session: sessions[0], target: 'release', mode: 'merge', signal: signal() }),
    ).rejects.toMatchObject({
      code: 'git.merge_conflict',
      message: expect.stringContaining('feature-0.txt'),
    });
    await expect(releases.deploy({ session: sessions[0], target: 'nope', signal: signal() })).rejects.toMatchObject({
      code: 'git.branch_not_found',
    });
    expect(snapshot()).toBe(refs);
    git(repo, 'tag', 'sessionhub/v1.1', 'main');
    const withTag = snapshot();
    await expect(
      releases.deploy({ session: sessions[0], target: 'release', mode: 'merge', signal: signal() }),
    ).rejects.toMatchObject({
      code: 'git.tag_exists',
    });
    expect(snapshot()).toBe(withTag);
  });
});

describe('rollback(tag)', () => {
  it('returns the target to a release tree, and refuses when the target moved unless forced', async () => {
    const { repo, releases, sessions, ws } = await setup(['1.1']);
    const v1 = await releases.deploy({ session: sessions[0], target: 'release', signal: signal() });
    const s2 = await finishSession(ws, 'session-2', '1.2', { 'two.txt': 'two\n' });
    await releases.deploy({ session: s2, target: 'release', signal: signal() });
    // Someone else's commit lands on the target after the deploy.
    const other = git(repo, 'commit-tree', 'release^{tree}', '-p', 'release', '-m', 'someone else');
    git(repo, 'update-ref', 'refs/heads/release', other);
    await expect(releases.rollback('1.1', { signal: signal() })).rejects.toMatchObject({
      code: 'git.target_moved',
      message: expect.stringContaining('force'),
    });
    expect(git(repo, 'rev-parse', 'release')).toBe(other);
    const forced = await releases.rollback('sessionhub/v1.1', { signal: signal(), force: true, reason: 'bad release' });
    expect(git(repo, 'rev-parse', 'release^{tree}')).toBe(git(repo, 'rev-parse', `${v1.release.sha}^{tree}`));
    expect(git(repo, 'rev-parse', 'release^')).toBe(other); // nothing rewritten
    expect(forced).toMatchObject({ kind: 'rollback', restored: 'sessionhub/v1.1', reason: 'bad release' });
    await expect(releases.rollback('9.9', { signal: signal() })).rejects.toMatchObject({
      code: 'git.release_not_found',
    });
  });

  it('with rewriteOnRollback resets the target and pushes to the remote', async () => {
    const root = tmp();
    const remote = join(root, 'remote.git');
    git(root, 'init', '-q', '--bare', remote);
    const { repo, releases, sessions, ws } = await setup(['1.1'], { remote: 'origin' });
    git(repo, 'remote', 'add', 'origin', remote);
    const rewriting = new GitReleases(ws, { remote: 'origin', rewriteOnRollback: true });
    const v1 = await releases.deploy({ session: sessions[0], target: 'release', signal: signal() });
    expect(git(remote, 'rev-parse', 'release')).toBe(v1.release.sha);
    const s2 = await finishSession(ws, 'session-2', '1.2', { 'two.txt': 'two\n' });
    await rewriting.deploy({ session: s2, target: 'release', signal: signal() });
    await rewriting.rollback('1.1', { signal: signal() });
    expect(git(repo, 'rev-parse', 'release')).toBe(v1.release.sha);
    expect(git(remote, 'rev-parse', 'release')).toBe(v1.release.sha);
    expect(git(remote, 'tag', '--list')).toBe('sessionhub/rollback-3\nsessionhub/v1.1\nsessionhub/v1.2');
  });
});
