import { generateKeyPairSync } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FakeGitHub, startFakeGitHub } from '@sessionhub/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { GitHostError, GitHubHost } from '../src/index.js';
import { git, makeRepository } from './helpers.js';

const REPO = 'octo/app';
const fast = { retryAfterBaseMs: 5, writeSpacingMs: 0, notificationSpacingMs: 0 };
let fake: FakeGitHub | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function setup(extra: { cloneFrom?: string } = {}) {
  fake = await startFakeGitHub({
    token: 'ghp_test',
    repos: [
      {
        name: REPO,
        ...extra,
        permissions: { maintainer: 'maintain', reader: 'read' },
        issues: [{ title: 'Add CSV export', body: 'Users want CSV.', labels: ['enhancement'] }],
      },
    ],
  });
  const host = new GitHubHost({
    auth: { token: 'ghp_test' },
    baseUrl: fake.url,
    gitUrl: (repo) => (fake as FakeGitHub).gitUrl(repo),
    limits: fast,
    webhookSecret: 'shh',
  });
  return { fake, host };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(GitHostError.isInstance(error)).toBe(true);
    return (error as GitHostError).code;
  }
  throw new Error('expected a GitHostError');
}

describe('GitHubHost against the fake GitHub API', () => {
  it('reads an issue, comments, labels and unlabels through requests GitHub’s description accepts', async () => {
    const { fake, host } = await setup();
    const issue = await host.getIssue(REPO, 1);
    expect(issue).toMatchObject({
      host: 'github',
      repo: REPO,
      number: 1,
      title: 'Add CSV export',
      labels: ['enhancement'],
    });
    const comment = await host.comment(REPO, 1, 'SessionHub started.');
    expect(comment).toMatchObject({ author: 'sessionhub-bot', body: 'SessionHub started.' });
    expect((await host.listComments(REPO, 1)).map((c) => c.body)).toEqual(['SessionHub started.']);
    await host.addLabels(REPO, 1, ['sessionhub:running']);
    await host.addLabels(REPO, 1, ['sessionhub:running']);
    await host.removeLabel(REPO, 1, 'sessionhub:running');
    await host.removeLabel(REPO, 1, 'sessionhub:running');
    expect(fake.repo(REPO).issues.get(1)?.labels).toEqual(['enhancement']);
    fake.assertClean();
  });

  it('asks the API for a permission; a non-collaborator has none', async () => {
    const { fake, host } = await setup();
    expect(await host.getPermission(REPO, 'maintainer')).toBe('maintain');
    expect(await host.getPermission(REPO, 'reader')).toBe('read');
    expect(await host.getPermission(REPO, 'stranger')).toBe('none');
    expect(fake.requests.filter((r) => r.operationId === 'repos/get-collaborator-permission-level')).toHaveLength(3);
    fake.assertClean();
  });

  it('pushes a branch with real git, opens a pull request once, and finds it again', async () => {
    const local = await makeRepository();
    dirs.push(local);
    const { fake, host } = await setup({ cloneFrom: local });
    await git(local, ['checkout', '--quiet', '-b', 'sessionhub/1.0-csv']);
    await writeFile(join(local, 'export.csv'), 'a,b\n');
    await git(local, ['add', '-A']);
    await git(local, ['commit', '--quiet', '-m', 'Session 1.0: CSV export']);
    const head = await git(local, ['rev-parse', 'HEAD']);
    expect(await host.pushBranch(REPO, { repository: local, branch: 'sessionhub/1.0-csv' })).toEqual({ sha: head });
    expect(await host.pushBranch(REPO, { repository: local, branch: 'sessionhub/1.0-csv' })).toEqual({ sha: head });
    expect(await fake.repo(REPO).log('sessionhub/1.0-csv')).toEqual(['Session 1.0: CSV export', 'initial']);
    expect(await host.findPullRequest(REPO, 'sessionhub/1.0-csv')).toBeUndefined();
    const pr = await host.createPullRequest(REPO, {
      title: 'CSV export',
      body: 'body',
      head: 'sessionhub/1.0-csv',
      base: 'main',
    });
    expect(pr).toMatchObject({ number: 2, head: 'sessionhub/1.0-csv', base: 'main', state: 'open', merged: false });
    expect(await host.findPullRequest(REPO, 'sessionhub/1.0-csv')).toEqual(pr);
    expect(
      await codeOf(
        host.createPullRequest(REPO, { title: 'again', body: '', head: 'sessionhub/1.0-csv', base: 'main' }),
      ),
    ).toBe('git_host.validation_failed');
    fake.assertClean();
  });

  it('refuses a push that is not a fast-forward with git_host.push_failed, and a bad branch name before git runs', async () => {
    const local = await makeRepository();
    dirs.push(local);
    const { host } = await setup({ cloneFrom: local });
    await git(local, ['checkout', '--quiet', '--orphan', 'other']);
    await git(local, ['commit', '--quiet', '--allow-empty', '-m', 'unrelated']);
    await git(local, ['branch', '-f', 'main', 'other']);
    expect(await codeOf(host.pushBranch(REPO, { repository: local, branch: 'main' }))).toBe('git_host.push_failed');
    expect(await codeOf(host.pushBranch(REPO, { repository: local, branch: '--upload-pack=evil' }))).toBe(
      'git_host.invalid_input',
    );
  });

  it('creates a branch at a commit the remote has; an unknown commit is git_host.validation_failed', async () => {
    const local = await makeRepository();
    dirs.push(local);
    const { fake, host } = await setup({ cloneFrom: local });
    const sha = await git(local, ['rev-parse', 'HEAD']);
    await host.createBranch(REPO, 'feature', sha);
    expect(await fake.repo(REPO).branchSha('feature')).toBe(sha);
    expect(await codeOf(host.createBranch(REPO, 'other', 'f'.repeat(40)))).toBe('git_host.validation_failed');
    fake.assertClean();
  });

  it('retries a secondary rate limit (retry-after) and a 5xx, then succeeds', async () => {
    const { fake, host } = await setup();
    fake.enqueueFault({ kind: 'secondary_rate_limit', retryAfterS: 1, operationId: 'issues/create-comment' });
    fake.enqueueFault({ kind: 'server_error', status: 502, operationId: 'issues/create-comment' });
    await host.comment(REPO, 1, 'after faults');
    const statuses = fake.requests.filter((r) => r.operationId === 'issues/create-comment').map((r) => r.status);
    expect(statuses).toEqual([403, 502, 201]);
    expect(fake.repo(REPO).issues.get(1)?.comments).toHaveLength(1);
    fake.assertClean();
  });

  it('gives typed errors: not found, rate limited with its reset time, validation failed with GitHub’s message, unauthorized', async () => {
    const { fake, host } = await setup();
    expect(await codeOf(host.getIssue(REPO, 99))).toBe('git_host.not_found');
    expect(await codeOf(host.getIssue('octo/missing', 1))).toBe('git_host.not_found');
    fake.enqueueFault({ kind: 'rate_limit', resetInS: 60, operationId: 'issues/get' }, 3);
    const limited = (await host.getIssue(REPO, 1).catch((e: unknown) => e)) as GitHostError;
    expect(limited.code).toBe('git_host.rate_limited');
    expect(limited.resetAt).toBeGreaterThan(Date.now());
    fake.enqueueFault({ kind: 'validation_failed', message: 'body is too long (maximum is 65536 characters)' });
    const invalid = (await host.comment(REPO, 1, 'x').catch((e: unknown) => e)) as GitHostError;
    expect(invalid.code).toBe('git_host.validation_failed');
    expect(invalid.message).toContain('body is too long');
    const stranger = new GitHubHost({ auth: { token: 'wrong' }, baseUrl: fake.url, limits: fast });
    expect(await codeOf(stranger.getIssue(REPO, 1))).toBe('git_host.unauthorized');
    expect(await codeOf(host.getIssue('not a repo', 1))).toBe('git_host.invalid_input');
    expect(fake.requests.some((r) => r.path.includes('not a repo'))).toBe(false);
    fake.assertClean();
  });

  it('works as a GitHub App installation: the JWT is exchanged for an installation token', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fake = await startFakeGitHub({
      app: { appId: 42, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      repos: [{ name: REPO, issues: [{ title: 'From an App' }] }],
    });
    const host = new GitHubHost({
      auth: {
        appId: 42,
        installationId: 7,
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
      baseUrl: fake.url,
      limits: fast,
    });
    expect((await host.getIssue(REPO, 1)).title).toBe('From an App');
    expect(fake.requests.map((r) => r.operationId)).toEqual(['apps/create-installation-access-token', 'issues/get']);
    fake.assertClean();
  });

  it('verifies a webhook signature', async () => {
    const { host } = await setup();
    const { signPayload } = await import('../src/index.js');
    expect(await host.verifyWebhook('{"a":1}', signPayload('shh', '{"a":1}'))).toBe(true);
    expect(await host.verifyWebhook('{"a":2}', signPayload('shh', '{"a":1}'))).toBe(false);
    expect(await host.verifyWebhook('{"a":1}', 'sha256=zz')).toBe(false);
  });
});
