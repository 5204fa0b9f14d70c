import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSessionHub, MemoryStore, type SessionHub } from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, ScriptedVerifier } from '@sessionhub/core/testing/doubles';
import { createGitWorkspaces, type GitWorkspaces } from '@sessionhub/git';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { type FakeGitHub, startFakeGitHub } from '@sessionhub/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createIssueLoop,
  GitHubHost,
  SqliteDeliveryLog,
  SqlitePullRequestLinks,
  type WebhookJob,
  WebhookReceiver,
} from '../src/index.js';
import { deliveryHeaders, examplePayload } from './webhook-payloads.js';

/**
 * The loop over a hub whose workspace is `@sessionhub/git`'s `GitWorkspaces`: the engine commits, the loop
 * reads the commits from the session's log and pushes the session branch to the fake's real bare repository.
 */

const REPO = 'octo/app';
const JOB: WebhookJob = { kind: 'issue', repo: REPO, number: 1, sender: 'maintainer', via: 'label' };
let root: string;
let repo: string;
let fake: FakeGitHub;
let deliveries: SqliteDeliveryLog;
let pullRequests: SqlitePullRequestLinks;
let workspaces: GitWorkspaces;
let sandbox: ProcessSandboxProvider;
let store: MemoryStore;
let hub: SessionHub;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'User',
      GIT_AUTHOR_EMAIL: 'user@example.com',
      GIT_COMMITTER_NAME: 'User',
      GIT_COMMITTER_EMAIL: 'user@example.com',
    },
  }).trim();
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sessionhub-loop-git-'));
  repo = join(root, 'repo');
  git(root, 'init', '-q', '-b', 'main', repo);
  await writeFile(join(repo, 'FOUNDATION.md'), '# App Foundation\n\nCurrent Version: 1.0\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'initial');
  fake = await startFakeGitHub({
    token: 't',
    repos: [{ name: REPO, cloneFrom: repo, permissions: { maintainer: 'maintain' }, issues: [{ title: 'Do it' }] }],
  });
  deliveries = SqliteDeliveryLog.open({ path: join(root, 'db.sqlite') });
  pullRequests = SqlitePullRequestLinks.open({ path: join(root, 'db.sqlite') });
  workspaces = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws') });
  sandbox = new ProcessSandboxProvider({ isolation: 'none', allowUnisolated: true });
  store = new MemoryStore();
  hub = createSessionHub({
    planner: new ScriptedPlanner(),
    executor: new ScriptedExecutor({ writes: { 'feature.txt': 'done\n' } }),
    verifier: new ScriptedVerifier(),
    store,
    sandbox,
    workspace: workspaces,
  });
});

afterEach(async () => {
  await hub.idle();
  await sandbox.close();
  await workspaces.dispose({ signal: AbortSignal.timeout(30_000) });
  deliveries.close();
  pullRequests.close();
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

function loop() {
  return createIssueLoop({
    host: new GitHubHost({
      auth: { token: 't' },
      baseUrl: fake.url,
      gitUrl: (r) => fake.gitUrl(r),
      limits: { writeSpacingMs: 0, notificationSpacingMs: 0 },
    }),
    hub,
    deliveries,
    outcomes: { store, pullRequests },
    repository: repo,
    git: workspaces,
  });
}

/** The `step.finished` shas of the session's commit steps, by step id. */
async function loggedCommits(sessionId: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const e of await store.readEvents(sessionId)) {
    if (e.type === 'step.finished' && e.step === 'commit') out[e.stepId] = (e.output as { sha: unknown }).sha;
  }
  return out;
}

describe('the issue loop over git workspaces', () => {
  it('pushes the branch the engine committed to: the shas of its log, work then Foundation; opens the pull request', async () => {
    expect(await deliveries.claim('d1', 'issues.labeled', JOB)).toBe(true);
    await loop()({ deliveryId: 'd1', job: JOB }, { signal: AbortSignal.timeout(60_000) });

    const [session] = await store.listSessions();
    expect(session?.state).toBe('succeeded');
    const pull = [...fake.repo(REPO).pulls.values()][0];
    const remote = fake.repo(REPO).gitDir;
    const tip = (rev: string) => git(remote, 'rev-parse', `refs/heads/${pull?.head}${rev}`);
    expect(await loggedCommits(session?.id ?? '')).toEqual({ 'commit:0': tip('~1'), 'foundation-commit:0': tip('') });
    expect(git(remote, 'diff-tree', '--no-commit-id', '--name-only', '-r', tip('~1'))).toBe('feature.txt');
    expect(git(remote, 'diff-tree', '--no-commit-id', '--name-only', '-r', tip(''))).toBe('FOUNDATION.md');
    expect(pull?.head).toBe(await workspaces.findBranch(session?.id ?? '', { signal: AbortSignal.timeout(10_000) }));
    expect(deliveries.get('d1')).toMatchObject({ state: 'done', sessionId: session?.id });
    fake.assertClean();
  });

  it('end to end: a signed pull_request.closed (merged) delivery for the session’s pull request is an outcome.recorded on its log, and analytics reports merge rate 1 for issue sessions', async () => {
    const receiver = new WebhookReceiver({ secret: 's', deliveries, runJob: loop() });
    const send = (event: string, payload: object) => {
      const body = JSON.stringify(payload);
      return receiver.receive({ headers: deliveryHeaders(event, randomUUID(), body, 's'), body: Buffer.from(body) });
    };
    const labeled = examplePayload('issues', 'labeled', (p) => {
      p.repository.full_name = REPO;
      p.label.name = 'sessionhub-auto';
      p.issue.number = 1;
    });
    expect((await send('issues', labeled)).status).toBe(202);
    await receiver.idle();
    const [session] = await store.listSessions();
    const pull = [...fake.repo(REPO).pulls.values()][0];
    expect(pull?.state).toBe('open');
    const url = `https://github.com/${REPO}/pull/${pull?.number}`;
    const merged = examplePayload('pull_request', 'closed', (p) => {
      p.repository.full_name = REPO;
      p.number = pull?.number;
      p.pull_request.number = pull?.number;
      p.pull_request.merged = true;
      p.pull_request.html_url = url;
    });
    expect((await send('pull_request', merged)).status).toBe(202);
    await receiver.idle();
    const outcomes = (await store.readEvents(session?.id ?? '')).filter((e) => e.type === 'outcome.recorded');
    expect(outcomes.map((e) => e.outcome)).toEqual([{ kind: 'merged', source: 'github', url }]);
    const report = await store.analytics();
    expect(report.byRequestKind).toEqual([
      expect.objectContaining({ kind: 'issue', succeeded: 1, merged: 1, rejected: 0, mergeRate: 1 }),
    ]);
    await receiver.close();
    fake.assertClean();
  });

  it('a session whose log records commits but whose branch is gone fails the job with git_host.push_failed, and nothing is pushed', async () => {
    // The session ran (a previous process), then its branch was deleted before the loop got to push it.
    const { result } = await hub.run({
      issue: await new GitHubHost({ auth: { token: 't' }, baseUrl: fake.url }).getIssue(REPO, 1),
    });
    const { session } = await result;
    expect(session.state).toBe('succeeded');
    const branch = await workspaces.findBranch(session.id, { signal: AbortSignal.timeout(10_000) });
    git(repo, 'branch', '-D', branch ?? '');
    expect(await deliveries.claim('d2', 'issues.labeled', JOB)).toBe(true);
    deliveries.setSession('d2', session.id);

    await expect(
      loop()({ deliveryId: 'd2', job: JOB, sessionId: session.id }, { signal: AbortSignal.timeout(60_000) }),
    ).rejects.toMatchObject({
      code: 'git_host.push_failed',
      message: expect.stringContaining('has no branch'),
    });
    expect(deliveries.get('d2')?.state).toBe('failed');
    expect(fake.repo(REPO).pulls.size).toBe(0);
    expect(git(fake.repo(REPO).gitDir, 'for-each-ref', '--format=%(refname)', 'refs/heads/')).toBe('refs/heads/main');
  });
});
