import { type FSWatcher, watch as fsWatch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTs, waitForLine, watchChild } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { createGitWorkspaces, findSessionCommits } from '../src/index.js';
import { git, INSTRUCTION, makeRepo, PASSED, sessionOf, signal, tempDirs } from './helpers.js';

const tmp = tempDirs();
const worker = join(import.meta.dirname, 'workers', 'commit-worker.ts');

/**
 * Starts the worker, lets it commit, and SIGKILLs it: `killAfterMs` after the go, once it printed the
 * sha (`acked`), or the moment the branch ref file is replaced (`ref-moved`, by inotify: after the
 * commit landed, before the worker could acknowledge it).
 */
async function commitThenKill(
  repo: string,
  workspacesDir: string,
  sessionId: string,
  killAfterMs: number | 'acked' | 'ref-moved',
) {
  const child = spawnTs(worker, [repo, workspacesDir, sessionId], { cwd: import.meta.dirname });
  const watch = watchChild(child);
  await waitForLine(watch, 'ready');
  let watcher: FSWatcher | undefined;
  if (killAfterMs === 'ref-moved') {
    watcher = fsWatch(join(repo, '.git', 'refs', 'heads', 'sessionhub'), (_event, file) => {
      if (file !== null && !file.endsWith('.lock')) child.kill('SIGKILL');
    });
  }
  child.stdin?.write('go\n');
  if (killAfterMs === 'ref-moved') {
    await watch.exited;
    watcher?.close();
  } else if (killAfterMs === 'acked') {
    await new Promise<void>((resolve, reject) => {
      watch.onLine((l) => l.startsWith('committed ') && resolve());
      void watch.exited.then(() => reject(new Error(`worker exited: ${watch.stderr()}`)));
    });
  } else {
    await new Promise((r) => setTimeout(r, killAfterMs));
  }
  child.kill('SIGKILL');
  const exit = await watch.exited;
  expect(exit.signal).toBe('SIGKILL');
  return watch.lines.find((l) => l.startsWith('committed '))?.slice('committed '.length);
}

describe('commitVerified survives kill -9 between the commit and its acknowledgement', () => {
  it('a second call after the kill returns the same commit and makes no second one', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    const workspacesDir = join(root, 'ws');
    const ws = await createGitWorkspaces({ repository: repo, workspacesDir });
    const session = sessionOf('killed-1');
    const dir = await ws.open(session, { signal: signal() });
    writeFileSync(join(dir, 'feature.txt'), 'feature\n');
    const sha = await commitThenKill(repo, workspacesDir, session.id, 'acked');
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    // The resumed engine asks again: the trailer finds the commit, nothing new is made.
    const again = await ws.commitVerified(
      session,
      { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
      { signal: signal() },
    );
    expect(again).toEqual({ sha, created: false });
    const branch = (await ws.findBranch(session.id, { signal: signal() })) as string;
    expect(git(repo, 'rev-list', '--count', `main..${branch}`)).toBe('1');
  }, 120_000); // child processes under a loaded CI machine start slowly

  it('kills inside the commit and the instant the branch moved: every resume ends with exactly one commit', async () => {
    const root = tmp();
    const repo = makeRepo(root);
    const workspacesDir = join(root, 'ws');
    const ws = await createGitWorkspaces({ repository: repo, workspacesDir });
    const delays: Array<number | 'ref-moved'> = [0, 20, 40, 60, 'ref-moved', 'ref-moved'];
    const outcomes: string[] = [];
    for (const [i, delay] of delays.entries()) {
      const session = sessionOf(`killed-random-${i}`);
      writeFileSync(join(await ws.open(session, { signal: signal() }), 'feature.txt'), `feature ${i}\n`);
      const acked = await commitThenKill(repo, workspacesDir, session.id, delay);
      const branchBefore = (await ws.findBranch(session.id, { signal: signal() })) as string;
      outcomes.push(
        `${delay}: ${acked ? 'acked' : git(repo, 'rev-list', '--count', `main..${branchBefore}`) === '1' ? 'committed, not acked' : 'not committed'}`,
      );
      const result = await ws.commitVerified(
        session,
        { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
        { signal: signal() },
      );
      const branch = (await ws.findBranch(session.id, { signal: signal() })) as string;
      const commits = await findSessionCommits(ws.git, {
        gitDir: ws.repository.commonDir,
        rev: `refs/heads/${branch}`,
        sessionId: session.id,
        signal: signal(),
      });
      expect(
        commits.map((c) => c.sha),
        `kill at ${delay}`,
      ).toEqual([result.sha]);
      expect(git(repo, 'rev-list', '--count', `main..${branch}`)).toBe('1');
    }
    // Where each kill landed depends on the machine's speed; printed for the record.
    console.log(`kill points: ${outcomes.join('; ')}`);
  }, 120_000); // child processes under a loaded CI machine start slowly
});
