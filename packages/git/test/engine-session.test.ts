import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnthropicExecutor, AnthropicPlanner } from '@sessionhub/anthropic';
import {
  CommandVerifier,
  createSessionHub,
  MemoryStore,
  PortError,
  type SessionEvent,
  type Store,
  type WorkspaceProvider,
} from '@sessionhub/core';
import { spawnTs, watchChild } from '@sessionhub/core/testing';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { startFakeAnthropic } from '@sessionhub/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createGitWorkspaces, type GitWorkspaces } from '../src/index.js';
import { CHECK, FIX_ROUND, FOUNDATION, GATES, PASSING, REQUEST } from './engine-fixtures.js';
import { git, makeRepo, signal, tempDirs } from './helpers.js';

/**
 * Whole createSessionHub sessions with `@sessionhub/git`'s workspaces as the engine's `workspace`: the
 * real engine, the real Anthropic planner and executor over HTTP to the loopback fake, a CommandVerifier
 * in a real process sandbox. The engine opens the worktree, commits a passing attempt's work (step
 * `commit:<n>`) and the Foundation update (step `foundation-commit:0`), and closes the worktree.
 */

const tmp = tempDirs();
const provider = new ProcessSandboxProvider({ allowUnisolated: true });
afterAll(() => provider.close());
const worker = join(import.meta.dirname, 'workers', 'engine-commit-worker.ts');

async function setUp() {
  const root = tmp();
  const repo = makeRepo(root, { 'FOUNDATION.md': FOUNDATION, 'check.mjs': CHECK });
  const workspaces = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws') });
  return { root, repo, workspaces };
}

function hubOver(url: string, store: Store, workspace: WorkspaceProvider, maxFixAttempts = 0) {
  const model = { apiKey: 'sk-ant-git-test', baseURL: url, maxRetries: 0 };
  return createSessionHub({
    env: {},
    planner: new AnthropicPlanner(model),
    executor: new AnthropicExecutor(model),
    verifier: new CommandVerifier({ gates: GATES }),
    store,
    sandbox: provider,
    workspace,
    policy: { maxFixAttempts },
  });
}

/** `step.finished` outputs of a log's commit steps, by step id. */
function commitSteps(events: readonly SessionEvent[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of events) if (e.type === 'step.finished' && e.step === 'commit') out[e.stepId] = e.output;
  return out;
}

async function branchOf(workspaces: GitWorkspaces, id: string): Promise<string> {
  const branch = await workspaces.findBranch(id, { signal: signal() });
  if (!branch) throw new Error(`session ${id} has no branch`);
  return branch;
}

describe('the engine over git workspaces', () => {
  it('ends with the session branch holding the work commit, then the Foundation commit, both shas in the log', async () => {
    const { repo, workspaces } = await setUp();
    const fake = await startFakeAnthropic({ script: PASSING });
    const store = new MemoryStore();
    try {
      const result = await (await hubOver(fake.url, store, workspaces).run({ request: REQUEST })).result;
      expect(result.error).toBeUndefined();
      expect(result.session.state).toBe('succeeded');
      const branch = await branchOf(workspaces, result.session.id);
      expect(branch).toMatch(/^sessionhub\/1\.1-greeting-module-[0-9a-f]{10}$/);
      expect(git(repo, 'log', '--format=%s', `main..${branch}`).split('\n')).toEqual([
        'Foundation 1.1: update FOUNDATION.md',
        'Session 1.1: Greeting Module',
      ]);
      const log = await store.readEvents(result.session.id);
      expect(commitSteps(log)).toEqual({
        'commit:0': { sha: git(repo, 'rev-parse', `${branch}~1`) },
        'foundation-commit:0': { sha: git(repo, 'rev-parse', branch) },
      });
      // Each sha is durable before the engine moves on: the next step starts in the same append or later.
      const seqOf = (pred: (e: SessionEvent) => boolean) => log.find(pred)?.seq ?? -1;
      expect(seqOf((e) => e.type === 'step.finished' && e.stepId === 'commit:0')).toBeLessThanOrEqual(
        seqOf((e) => e.type === 'step.started' && e.stepId === 'foundation:0'),
      );
      expect(git(repo, 'show', '--name-only', '--format=', `${branch}~1`)).toBe('greet.mjs');
      expect(git(repo, 'show', '--name-only', '--format=', branch)).toBe('FOUNDATION.md');
      expect(git(repo, 'show', `${branch}:FOUNDATION.md`)).toContain('Current Version: 1.1');
      // Closed: the worktree is gone, the user's checkout untouched.
      expect(git(repo, 'status', '--porcelain')).toBe('');
      expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });

  it('a cancel after the Foundation update no longer stops its commit: the session ends succeeded, as the document says', async () => {
    const { repo, workspaces } = await setUp();
    const fake = await startFakeAnthropic({ script: PASSING });
    const store = new MemoryStore();
    try {
      const hub = hubOver(fake.url, store, workspaces);
      const handle = await hub.run({ request: REQUEST });
      // Heard once the step's start is stored, before its body runs.
      hub.emitter.on('step.started', (e) => {
        if (e.stepId === 'foundation-commit:0') handle.cancel();
      });
      const result = await handle.result;
      expect(result.error).toBeUndefined();
      expect(result.session.state).toBe('succeeded');
      const branch = await branchOf(workspaces, handle.id);
      expect(git(repo, 'log', '--format=%s', `main..${branch}`).split('\n')).toEqual([
        'Foundation 1.1: update FOUNDATION.md',
        'Session 1.1: Greeting Module',
      ]);
      expect(commitSteps(await store.readEvents(handle.id))).toHaveProperty('foundation-commit:0');
    } finally {
      await fake.close();
    }
  });

  it('never commits a failing attempt; the fix round that passes is committed as its own attempt', async () => {
    const { repo, workspaces } = await setUp();
    const fake = await startFakeAnthropic({ script: FIX_ROUND });
    const store = new MemoryStore();
    try {
      const result = await (await hubOver(fake.url, store, workspaces, 1).run({ request: REQUEST })).result;
      expect(result.error).toBeUndefined();
      expect(result.session.state).toBe('succeeded');
      const log = await store.readEvents(result.session.id);
      const verdicts = log.flatMap((e) => (e.type === 'step.finished' && e.step === 'verify' ? [e.output] : []));
      expect(verdicts.map((v) => (v as { passed: boolean }).passed)).toEqual([false, true]);
      const branch = await branchOf(workspaces, result.session.id);
      expect(Object.keys(commitSteps(log))).toEqual(['commit:1', 'foundation-commit:0']);
      expect(git(repo, 'log', '--format=%s', `main..${branch}`).split('\n')).toEqual([
        'Foundation 1.1: update FOUNDATION.md',
        'Session 1.1: Greeting Fix',
      ]);
      expect(git(repo, 'show', `${branch}~1:greet.mjs`)).toContain('"Hello, " + n');
    } finally {
      await fake.close();
    }
  });

  it('a failed session leaves no commit and its worktree closed', async () => {
    const { repo, workspaces } = await setUp();
    const fake = await startFakeAnthropic({ script: FIX_ROUND.slice(0, 3) });
    const store = new MemoryStore();
    try {
      const result = await (await hubOver(fake.url, store, workspaces, 0).run({ request: REQUEST })).result;
      expect(result.session.state).toBe('failed');
      expect(commitSteps(await store.readEvents(result.session.id))).toEqual({});
      expect(await workspaces.findBranch(result.session.id, { signal: signal() })).toBeUndefined();
      expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
      expect(git(repo, 'branch', '--list').split('\n')).toEqual(['* main']);
    } finally {
      await fake.close();
    }
  });

  it('a kill -9 between the commit and its event, then an immediate resume, makes no second commit', async () => {
    const { root, repo, workspaces } = await setUp();
    const file = join(root, 'store.db');
    (await openSqliteStore(file)).close();
    const fake = await startFakeAnthropic({ script: PASSING });
    const id = 'killed-after-commit';
    try {
      const child = spawnTs(worker, [file, repo, join(root, 'ws'), fake.url, id], { cwd: import.meta.dirname });
      const watch = watchChild(child);
      const committed = new Promise<string>((resolve, reject) => {
        watch.onLine((l) => l.startsWith('committed ') && resolve(l.slice('committed '.length)));
        void watch.exited.then(() => reject(new Error(`worker exited: ${watch.stderr()}`)));
      });
      const sha = await committed;
      child.kill('SIGKILL');
      await watch.exited;

      const store = await openSqliteStore(file);
      try {
        const before = await store.readEvents(id);
        expect(before.some((e) => e.type === 'step.started' && e.stepId === 'commit:0')).toBe(true);
        expect(commitSteps(before)).toEqual({});
        // The dead process's claim is live, but it ran on this host: the resume takes it over at once.
        const result = await (await hubOver(fake.url, store, workspaces).resume(id)).result;
        expect(result.error).toBeUndefined();
        expect(result.session.state).toBe('succeeded');
        const branch = await branchOf(workspaces, id);
        expect(git(repo, 'log', '--format=%s', `main..${branch}`).split('\n')).toEqual([
          'Foundation 1.1: update FOUNDATION.md',
          'Session 1.1: Greeting Module',
        ]);
        expect(git(repo, 'rev-parse', `${branch}~1`)).toBe(sha);
        const log = await store.readEvents(id);
        expect(commitSteps(log)).toMatchObject({ 'commit:0': { sha } });
        expect(log.filter((e) => e.type === 'step.started' && e.stepId === 'commit:0')).toHaveLength(1);
        expect(readFileSync(join(repo, 'FOUNDATION.md'), 'utf8')).toBe(FOUNDATION);
      } finally {
        store.close();
      }
    } finally {
      await fake.close();
    }
  });

  it('refuses a workspace provider of an unsupported specificationVersion at creation', async () => {
    const { workspaces } = await setUp();
    const v2 = Object.assign(Object.create(workspaces) as GitWorkspaces, { specificationVersion: 2 });
    let error: unknown;
    try {
      hubOver('http://127.0.0.1:9', new MemoryStore(), v2 as unknown as WorkspaceProvider);
    } catch (err) {
      error = err;
    }
    expect(PortError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'port.unsupported_version', port: 'workspace', supported: [1] });
    expect((error as Error).message).toContain('workspace "git" has specificationVersion 2');
  });
});
