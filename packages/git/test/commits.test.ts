import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGitWorkspaces, type GitError } from '../src/index.js';
import { FAILED, git, INSTRUCTION, makeRepo, PASSED, sessionOf, signal, tempDirs } from './helpers.js';

const tmp = tempDirs();

async function setup() {
  const root = tmp();
  const repo = makeRepo(root);
  const ws = await createGitWorkspaces({
    repository: repo,
    workspacesDir: join(root, 'ws'),
    author: { name: 'Ada Bot', email: 'ada@example.com' },
    committer: { name: 'Release Bot', email: 'release@example.com' },
  });
  const session = sessionOf('sess-1');
  const dir = await ws.open(session, { signal: signal() });
  const branch = (await ws.findBranch(session.id, { signal: signal() })) as string;
  return { root, repo, ws, session, dir, branch };
}

describe('commits after a passing verdict', () => {
  it('commits the work with the instruction header, objectives, verdict summary and trailers', async () => {
    const { repo, ws, session, dir, branch } = await setup();
    writeFileSync(join(dir, 'page.ts'), 'export const pageSize = 50;\n');
    writeFileSync(join(dir, 'README.md'), '# demo, paginated\n');
    const result = await ws.commitVerified(
      session,
      { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
      { signal: signal() },
    );
    expect(result.created).toBe(true);
    expect(git(repo, 'rev-parse', branch)).toBe(result.sha);
    expect(git(repo, 'log', '-1', '--format=%B', branch).trimEnd()).toBe(
      [
        'Session 1.1: Add pagination',
        '',
        'Objectives:',
        '- List endpoints return pages of at most 50 items',
        '- Clients can ask for the next page',
        '',
        'Verification: passed 2 of 2 gates (typecheck, test)',
        '',
        'SessionHub-Session: sess-1',
        'SessionHub-Kind: work',
        'SessionHub-Attempt: 0',
        'SessionHub-Version: 1.1',
      ].join('\n'),
    );
    expect(git(repo, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', branch)).toBe(
      'Ada Bot <ada@example.com>|Release Bot <release@example.com>',
    );
    expect(git(repo, 'show', '--name-only', '--format=', branch).split('\n').sort()).toEqual(['README.md', 'page.ts']);
    expect(git(repo, 'log', '-1', '--format=%(trailers:key=SessionHub-Session,valueonly)', branch).trim()).toBe(
      'sess-1',
    );
  });

  it('never commits a failing attempt; a fix round that passes is committed as that attempt', async () => {
    const { repo, ws, session, dir, branch } = await setup();
    const base = git(repo, 'rev-parse', branch);
    writeFileSync(join(dir, 'page.ts'), 'broken\n');
    const refused = ws.commitVerified(
      session,
      { instructionText: INSTRUCTION, verdict: FAILED, attempt: 0 },
      { signal: signal() },
    );
    await expect(refused).rejects.toMatchObject({ code: 'git.verdict_failed' } satisfies Partial<GitError>);
    expect(git(repo, 'rev-parse', branch)).toBe(base);
    writeFileSync(join(dir, 'page.ts'), 'fixed\n');
    const fix = await ws.commitVerified(
      session,
      { instructionText: INSTRUCTION, verdict: PASSED, attempt: 1 },
      { signal: signal() },
    );
    expect(git(repo, 'rev-list', '--count', `${base}..${branch}`)).toBe('1');
    const body = git(repo, 'log', '-1', '--format=%B', branch);
    expect(body).toContain("Fix round 1 of the session's instruction.");
    expect(body).toContain('SessionHub-Attempt: 1');
    expect(fix.sha).toBe(git(repo, 'rev-parse', branch));
  });

  it('commits the Foundation update as its own commit after the work', async () => {
    const { repo, ws, session, dir, branch } = await setup();
    writeFileSync(join(dir, 'page.ts'), 'export const pageSize = 50;\n');
    const work = await ws.commitVerified(
      session,
      { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
      { signal: signal() },
    );
    writeFileSync(join(dir, 'FOUNDATION.md'), 'Current Version: 1.1\n');
    writeFileSync(join(dir, 'stray.txt'), 'not part of the Foundation commit\n');
    const foundation = await ws.commitFoundation(
      session,
      { path: 'FOUNDATION.md', version: '1.1', previousVersion: '1.0' },
      { signal: signal() },
    );
    expect(git(repo, 'rev-parse', `${branch}~1`)).toBe(work.sha);
    expect(git(repo, 'rev-parse', branch)).toBe(foundation.sha);
    expect(git(repo, 'show', '--name-only', '--format=', branch)).toBe('FOUNDATION.md');
    expect(
      git(repo, 'log', '-1', '--format=%s%n%(trailers:key=SessionHub-Foundation-Version,valueonly)', branch).trimEnd(),
    ).toBe('Foundation 1.1: update FOUNDATION.md\n1.1');
    const again = await ws.commitFoundation(session, { path: 'FOUNDATION.md', version: '1.1' }, { signal: signal() });
    expect(again).toEqual({ sha: foundation.sha, created: false });
  });

  it('is idempotent per session and attempt, and commits nothing when nothing changed', async () => {
    const { repo, ws, session, dir, branch } = await setup();
    const nothing = await ws.commitVerified(
      session,
      { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
      { signal: signal() },
    );
    expect(nothing).toEqual({ sha: null, created: false });
    writeFileSync(join(dir, 'a.txt'), 'a\n');
    const first = await ws.commitVerified(
      session,
      { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
      { signal: signal() },
    );
    writeFileSync(join(dir, 'b.txt'), 'later\n');
    const second = await ws.commitVerified(
      session,
      { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
      { signal: signal() },
    );
    expect(second).toEqual({ sha: first.sha, created: false });
    expect(git(repo, 'rev-list', '--count', `main..${branch}`)).toBe('1');
  });

  it('refuses bad input with typed errors', async () => {
    const { ws, session } = await setup();
    await expect(
      ws.commitFoundation(session, { path: '../outside.md', version: '1.1' }, { signal: signal() }),
    ).rejects.toMatchObject({ code: 'git.invalid_path' });
    await expect(
      ws.commitVerified(
        sessionOf('never-opened'),
        { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
        { signal: signal() },
      ),
    ).rejects.toMatchObject({ code: 'git.workspace_not_found' });
    await expect(
      ws.commitVerified(session, { instructionText: INSTRUCTION, verdict: PASSED, attempt: -1 }, { signal: signal() }),
    ).rejects.toMatchObject({ code: 'git.invalid_option' });
    const aborted = AbortSignal.abort(new Error('stop'));
    await expect(
      ws.commitVerified(session, { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 }, { signal: aborted }),
    ).rejects.toThrow('stop');
  });

  it('signs with the signing setup of the user git config when asked', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    const key = join(root, 'signing-key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bot@example.com', '-f', key]);
    git(repo, 'config', 'gpg.format', 'ssh');
    git(repo, 'config', 'user.signingKey', `${key}.pub`);
    writeFileSync(join(root, 'allowed'), `bot@example.com ${readFileSync(`${key}.pub`, 'utf8')}`);
    git(repo, 'config', 'gpg.ssh.allowedSignersFile', join(root, 'allowed'));
    const ws = await createGitWorkspaces({
      repository: repo,
      workspacesDir: join(root, 'ws'),
      sign: true,
      author: { name: 'Bot', email: 'bot@example.com' },
    });
    const session = sessionOf('signed');
    writeFileSync(join(await ws.open(session, { signal: signal() }), 'x.txt'), 'x\n');
    const { sha } = await ws.commitVerified(
      session,
      { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
      { signal: signal() },
    );
    expect(git(repo, 'log', '-1', '--format=%G?', sha as string)).toBe('G');
  });
});
