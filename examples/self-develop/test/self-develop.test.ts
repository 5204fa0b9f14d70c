import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { signPayload } from '@sessionhub/github';
import { type FakeAnthropic, type FakeGitHub, startFakeAnthropic, startFakeGitHub } from '@sessionhub/testing';
import { afterEach, expect, it } from 'vitest';
import { createSlugRepository, SLUG_ISSUE, slugScript } from '../src/project.js';
import { type SelfDevelop, startSelfDevelop } from '../src/server.js';

const SECRET = 'webhook-secret';
const ERROR_SECRET = 'error-secret';
const REPO = 'octo/slugs';
let root = '';
let repository = '';
let github: FakeGitHub | undefined;
let model: FakeAnthropic | undefined;
let app: SelfDevelop | undefined;

afterEach(async () => {
  await app?.close();
  await github?.close();
  await model?.close();
  app = undefined;
  github = undefined;
  model = undefined;
  await rm(root, { recursive: true, force: true });
});

/** The `issues.labeled` delivery GitHub sends when the trigger label is put on issue 1. */
function labeledDelivery(label = 'sessionhub-auto'): string {
  return JSON.stringify({
    action: 'labeled',
    issue: {
      number: 1,
      title: SLUG_ISSUE.title,
      body: SLUG_ISSUE.body,
      state: 'open',
      labels: [{ name: label }],
      user: { login: 'octocat', type: 'User' },
    },
    label: { name: label, color: 'ededed' },
    repository: { full_name: REPO, name: 'slugs', owner: { login: 'octo' } },
    sender: { login: 'octocat', type: 'User' },
  });
}

async function setup(): Promise<FakeGitHub> {
  root = await mkdtemp(join(tmpdir(), 'sessionhub-self-develop-'));
  repository = join(root, 'slugs');
  await createSlugRepository(repository);
  github = await startFakeGitHub({
    token: 'ghp_fake',
    repos: [
      {
        name: REPO,
        cloneFrom: repository,
        permissions: { octocat: 'admin' },
        issues: [{ ...SLUG_ISSUE, labels: ['sessionhub-auto'] }],
      },
    ],
  });
  model = await startFakeAnthropic({ script: slugScript() });
  const gh = github;
  app = await startSelfDevelop({
    repository,
    github: {
      auth: { token: 'ghp_fake' },
      baseUrl: gh.url,
      gitUrl: (r) => gh.gitUrl(r),
      limits: { writeSpacingMs: 0, notificationSpacingMs: 0, retryAfterBaseMs: 5 },
    },
    webhookSecret: SECRET,
    repo: REPO,
    anthropic: { apiKey: 'sk-ant-fake', baseURL: model.url },
    dataDir: join(root, 'data'),
    errorReports: { secret: ERROR_SECRET },
  });

  return gh;
}

async function deliver(url: string, id: string, body: string, secret: string | null) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': 'issues',
    'x-github-delivery': id,
  };
  if (secret !== null) headers['x-hub-signature-256'] = signPayload(secret, body);
  return (await fetch(`${url}webhooks/github`, { method: 'POST', headers, body })).status;
}

it('a signed issues.labeled delivery becomes a session, a pushed branch, a pull request and issue comments; redelivered or forged, nothing more', {
  timeout: 120_000,
}, async () => {
  const gh = await setup();
  if (!app || !model) throw new Error('not started');
  const id = randomUUID();
  expect(await deliver(app.url, id, labeledDelivery(), SECRET)).toBe(202);
  await app.receiver.idle();
  model.assertDone();

  const sessions = await app.store.listSessions();
  expect(sessions.map((s) => s.state)).toEqual(['succeeded']);
  const session = sessions[0];
  const remote = gh.repo(REPO);
  const pull = [...remote.pulls.values()][0];
  expect(pull).toMatchObject({ number: 2, base: 'main', state: 'open' });
  expect(await remote.log(pull?.head ?? '')).toEqual([
    'Foundation 1.1: update FOUNDATION.md',
    'Session 1.1: Slug Helper',
    'Slugs 1.0',
  ]);
  // The work commit holds the module, the Foundation commit only the document.
  const changed = async (rev: string) =>
    (
      await promisify(execFile)('git', ['diff-tree', '--no-commit-id', '--name-only', '-r', rev], {
        env: { PATH: process.env.PATH ?? '', GIT_DIR: remote.gitDir },
      })
    ).stdout.trim();
  expect(await changed(`refs/heads/${pull?.head}~1`)).toBe('slugify.mjs');
  expect(await changed(`refs/heads/${pull?.head}`)).toBe('FOUNDATION.md');
  // The engine made both commits, write-ahead: their shas are in the session's log, and they are what was pushed.
  const commitSteps = (await app.store.readEvents(session?.id ?? '')).flatMap((e) =>
    e.type === 'step.finished' && e.step === 'commit' ? [[e.stepId, (e.output as { sha: string }).sha]] : [],
  );
  const remoteSha = async (rev: string) =>
    (
      await promisify(execFile)('git', ['rev-parse', rev], {
        env: { PATH: process.env.PATH ?? '', GIT_DIR: remote.gitDir },
      })
    ).stdout.trim();
  expect(commitSteps).toEqual([
    ['commit:0', await remoteSha(`refs/heads/${pull?.head}~1`)],
    ['foundation-commit:0', await remoteSha(`refs/heads/${pull?.head}`)],
  ]);
  // ... and released the session's worktree when the session ended.
  const worktrees = await promisify(execFile)('git', ['worktree', 'list', '--porcelain'], { cwd: repository });
  expect(worktrees.stdout.match(/^worktree /gm)).toHaveLength(1);
  expect(pull?.body).toContain('Closes #1.');
  expect(pull?.body).toContain('Session 1.1: Slug Helper');
  expect(pull?.body).toMatch(/\| check \| ✅ passed \|/);
  expect(pull?.body).toContain('Fix rounds: 0');
  expect(pull?.body).toMatch(/Tokens: [\d,]+/);
  expect(pull?.body).toContain(`Session: \`${session?.id}\``);
  const issue = remote.issues.get(1);
  expect(issue?.labels).toEqual(['sessionhub-auto', 'sessionhub:succeeded']);
  expect(issue?.comments.map((c) => c.body.split('\n')[0])).toEqual([
    `SessionHub started session \`${session?.id}\` for this issue.`,
    `SessionHub session \`${session?.id}\` succeeded: https://github.com/${REPO}/pull/2`,
  ]);

  const requestsBefore = gh.requests.length;
  expect(await deliver(app.url, id, labeledDelivery(), SECRET)).toBe(200);
  expect(await deliver(app.url, randomUUID(), labeledDelivery(), 'forged')).toBe(401);
  expect(await deliver(app.url, randomUUID(), labeledDelivery(), null)).toBe(401);
  await app.receiver.idle();
  expect(await app.store.listSessions()).toHaveLength(1);
  expect(gh.requests.length).toBe(requestsBefore);
  expect(model.requests.length).toBe(4);
  gh.assertClean();
});

it('a storm of one production error files one issue with the stack trace and count, and runs one session on it', {
  timeout: 120_000,
}, async () => {
  const gh = await setup();
  if (!app || !model) throw new Error('not started');
  const report = JSON.stringify({
    title: 'TypeError: slugify is not a function',
    message: 'slugify is not a function',
    stack: 'TypeError: slugify is not a function\n    at render (/srv/slugs/page.mjs:3:10)',
    count: 41,
    environment: 'production',
  });
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${app.url}errors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sessionhub-signature-256': signPayload(ERROR_SECRET, report) },
      body: report,
    });
    statuses.push(res.status);
  }
  expect(statuses).toEqual([202, 200, 200, 200, 200]);
  await app.receiver.idle();
  model.assertDone();
  const sessions = await app.store.listSessions();
  expect(sessions.map((s) => [s.state, s.input.kind])).toEqual([['succeeded', 'issue']]);
  const remote = gh.repo(REPO);
  const filed = remote.issues.get(2);
  expect(filed?.title).toBe('Production error: TypeError: slugify is not a function');
  expect(filed?.body).toContain('Occurrences: 41');
  expect(filed?.body).toContain('at render (/srv/slugs/page.mjs:3:10)');
  expect(filed?.labels).toEqual(['sessionhub:production-error', 'sessionhub:succeeded']);
  expect([...remote.pulls.values()].map((p) => p.body.split('\n')[0])).toEqual(['Closes #2.']);
  gh.assertClean();
});
