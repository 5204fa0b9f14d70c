import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox } from '@sessionhub/core';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { afterAll, describe, expect, it } from 'vitest';
import { createGitWorkspaces, GitReleases } from '../src/index.js';
import { git, INSTRUCTION, makeRepo, PASSED, sessionOf, signal, tempDirs } from './helpers.js';

/**
 * Planted attacks: a command in the sandbox plants something that would run a command on the host
 * when host git later works in the workspace. Each attack tries to touch a host marker file during
 * commit, status, diff, merge and push through @sessionhub/git; none may. A control then runs plain
 * git the way a naive tool would, and the marker appears: the attack is real.
 */

const tmp = tempDirs();
const provider = new ProcessSandboxProvider({ allowUnisolated: true });
afterAll(() => provider.close());

const HOOKS =
  'pre-commit post-commit commit-msg prepare-commit-msg pre-push post-merge post-checkout reference-transaction pre-auto-gc post-rewrite post-index-change';
const hook = `printf '#!/bin/sh\\ntouch "%s"\\n' "$MARK"`;
const initPlanted = 'rm -rf .git && git -c init.defaultBranch=main init -q . >/dev/null';

interface Attack {
  name: string;
  /** Shell run inside the sandbox at the workspace root; `$MARK` is the host marker path. */
  plant: string;
  /** Plain git, as a naive host tool would run it in the workspace; it must touch the marker. */
  control?: string[][];
}

const ATTACKS: Attack[] = [
  {
    name: 'hooks in a .git directory planted over the worktree .git file',
    plant: `${initPlanted} && for h in ${HOOKS}; do ${hook} > .git/hooks/$h; chmod +x .git/hooks/$h; done`,
    control: [['commit', '-q', '--allow-empty', '-m', 'naive']],
  },
  {
    name: 'core.fsmonitor and core.hooksPath in a planted .git/config',
    plant:
      `${initPlanted} && git config core.fsmonitor "touch '$MARK'; false" && mkdir -p evil-hooks && ` +
      `for h in ${HOOKS}; do ${hook} > evil-hooks/$h; chmod +x evil-hooks/$h; done && git config core.hooksPath evil-hooks`,
    control: [['status']],
  },
  {
    name: 'a .git file pointing to a planted git directory',
    plant:
      `rm -f .git && git -c init.defaultBranch=main init -q --bare .evil-git >/dev/null && printf 'gitdir: .evil-git\\n' > .git && ` +
      `git config --file .evil-git/config core.bare false && git config --file .evil-git/config core.fsmonitor "touch '$MARK'; false"`,
    control: [['status']],
  },
  {
    name: 'filter, diff and merge drivers named in .gitattributes and defined in a planted config',
    plant:
      `${initPlanted} && git config filter.evil.clean "touch '$MARK'; cat" && git config filter.evil.smudge "touch '$MARK'; cat" && ` +
      `git config filter.evil.process "touch '$MARK'" && git config diff.evil.command "touch '$MARK'" && ` +
      `git config diff.evil.textconv "touch '$MARK'; cat" && git config diff.external "touch '$MARK'" && ` +
      `git config merge.evil.driver "touch '$MARK'; false" && printf '* filter=evil diff=evil merge=evil\\n' > .gitattributes`,
    control: [['add', '-A']],
  },
  {
    name: 'core.sshCommand, a remote and credential helpers in a planted config',
    plant:
      `${initPlanted} && git config core.sshCommand "touch '$MARK'; false" && git config remote.origin.url ssh://example.invalid/x && ` +
      `git config credential.helper "!touch '$MARK'" && git config core.askPass "touch '$MARK'"`,
    control: [['ls-remote', 'origin']],
  },
  {
    name: 'a nested repository with its own fsmonitor and hooks',
    plant:
      'mkdir -p vendor/lib && cd vendor/lib && git -c init.defaultBranch=main init -q . >/dev/null && echo lib > lib.txt && ' +
      'git add lib.txt && git -c user.name=x -c user.email=x@x commit -q -m lib && ' +
      `git config core.fsmonitor "touch '$MARK'; false" && for h in ${HOOKS}; do ${hook} > .git/hooks/$h; chmod +x .git/hooks/$h; done`,
  },
  {
    name: '.gitmodules with an ext:: URL and an update command',
    plant: `printf '[submodule "x"]\\n\\tpath = x\\n\\turl = ext::sh -c touch%% %s\\n\\tupdate = !touch %s\\n' "$MARK" "$MARK" > .gitmodules`,
  },
];

async function plant(sandbox: Sandbox, script: string, mark: string): Promise<void> {
  const result = await sandbox.exec(script, { env: { MARK: mark }, timeoutMs: 30_000 });
  expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
}

describe('planted attacks never run on the host', () => {
  it.each(ATTACKS)('$name: commit, status, diff, merge and push touch nothing', async (attack) => {
    const root = tmp();
    const repo = makeRepo(root, { 'src/app.ts': 'export const a = 1;\n' });
    git(repo, 'branch', 'release');
    const remote = join(root, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', remote]);
    git(repo, 'remote', 'add', 'origin', remote);
    const markers = join(root, 'markers');
    mkdirSync(markers);
    const mark = join(markers, 'touched');
    const ws = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws') });
    const session = sessionOf('attacked');
    const dir = await ws.open(session, { signal: signal() });
    const sandbox = await provider.create({ workspace: dir });
    try {
      await plant(sandbox, `echo 'export const a = 2;' > src/app.ts && ${attack.plant}`, mark);
    } finally {
      await sandbox.dispose();
    }
    // A commit on the target first, so the promote is a real three-way merge.
    git(repo, 'checkout', '-q', 'release');
    writeFileSync(join(repo, 'RELEASE.md'), 'release notes\n');
    git(repo, 'add', 'RELEASE.md');
    git(repo, 'commit', '-q', '-m', 'release notes');
    git(repo, 'checkout', '-q', 'main');

    const status = await ws.status(session, { signal: signal() });
    expect(status.map((c) => c.path)).toContain('src/app.ts');
    const diff = await ws.diff(session, { signal: signal() });
    expect(diff).toContain('+export const a = 2;');
    const commit = await ws.commitVerified(
      session,
      { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
      { signal: signal() },
    );
    expect(commit.created).toBe(true);
    const releases = new GitReleases(ws, { remote: 'origin' });
    const deployed = await releases.deploy({
      session,
      target: 'release',
      mode: 'merge',
      version: '1.1',
      signal: signal(),
    });
    expect(deployed.status).toBe('succeeded');
    expect(git(remote, 'rev-parse', 'refs/heads/release')).toBe(deployed.release.sha);
    expect(existsSync(mark), 'a planted command ran on the host').toBe(false);
    expect(existsSync(join(repo, '.git', 'hooks', 'pre-commit'))).toBe(false);

    if (attack.control) {
      for (const args of attack.control) {
        try {
          // `safe.directory=*`: the sandbox gives the workspace to its own unprivileged user, and plain git
          // then stops at its ownership check; a tool that trusts the directory (as many CI setups do) goes on.
          execFileSync('git', ['-c', 'safe.directory=*', ...args], {
            cwd: dir,
            stdio: 'ignore',
            env: {
              PATH: process.env.PATH,
              HOME: root,
              GIT_CONFIG_NOSYSTEM: '1',
              GIT_CONFIG_GLOBAL: '/dev/null',
              GIT_TERMINAL_PROMPT: '0',
            },
          });
        } catch {
          // The planted command may make plain git fail; what matters is whether it ran.
        }
      }
      expect(existsSync(mark), 'control: plain git runs the planted command').toBe(true);
    }
  });
});
