// 200 sessions in a row on one repository: open, write, commit (every third), close as succeeded,
// failed or cancelled; then checks that no worktree, lock or needless branch is left.
// Usage: npm run stress -w @sessionhub/git [-- <sessions>]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitWorkspaces } from '../src/index.js';
import { INSTRUCTION, PASSED, sessionOf } from '../test/session-fixtures.js';

const count = Number(process.argv[2] ?? 200);
const root = mkdtempSync(join(tmpdir(), 'sessionhub-git-stress-'));
const git = (...args: string[]) => execFileSync('git', args, { cwd: join(root, 'repo'), encoding: 'utf8' }).trim();
try {
  execFileSync('git', ['init', '-q', '-b', 'main', join(root, 'repo')]);
  writeFileSync(join(root, 'repo', 'README.md'), '# stress\n');
  git('add', '-A');
  git('-c', 'user.name=u', '-c', 'user.email=u@x', 'commit', '-q', '-m', 'init');
  const ws = await createGitWorkspaces({ repository: join(root, 'repo'), workspacesDir: join(root, 'ws') });
  const signal = new AbortController().signal;
  const started = performance.now();
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const session = sessionOf(`stress-${i}`);
    const dir = await ws.open(session, { signal });
    writeFileSync(join(dir, `file-${i}.txt`), `${i}\n`);
    const outcome = (['succeeded', 'failed', 'cancelled'] as const)[i % 3] ?? 'failed';
    if (outcome === 'succeeded' && i % 2 === 0) {
      await ws.commitVerified(session, { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 }, { signal });
      kept++;
    }
    await ws.close(session, { outcome }, { signal });
  }
  const ms = performance.now() - started;
  const worktrees = git('worktree', 'list').split('\n').length - 1;
  const branches = git('branch', '--list', 'sessionhub/*')
    .split('\n')
    .filter((b) => b.trim() !== '').length;
  const locks = (readdirSync(join(root, 'repo', '.git'), { recursive: true }) as string[]).filter((p) =>
    p.endsWith('.lock'),
  );
  const leftoverDirs = existsSync(join(root, 'ws')) ? readdirSync(join(root, 'ws')).length : 0;
  console.log(`${count} sessions in ${ms.toFixed(0)} ms (${(ms / count).toFixed(1)} ms each)`);
  console.log(
    `worktrees left ${worktrees}, session branches ${branches} (expected ${kept}: succeeded with a commit), locks ${locks.length}, dirs ${leftoverDirs}`,
  );
  if (worktrees !== 0 || branches !== kept || locks.length !== 0 || leftoverDirs !== 0) {
    console.error('FAILED: something was left behind');
    process.exitCode = 1;
  } else {
    console.log('OK: nothing left behind');
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
