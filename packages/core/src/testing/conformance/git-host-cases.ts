import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import type { SessionHubError } from '../../errors.js';
import type { GitHost } from '../../ports/git-host.js';
import type { ConformanceCase } from './cases.js';

/** What a {@link GitHost} conformance case works with; made fresh for each case by the adapter's factory. */
export interface GitHostCaseContext {
  host: GitHost;
  /** `owner/name` of a repository the host's credentials may write. */
  repo: string;
  /** An open issue of `repo` with these fields. */
  issue: { number: number; title: string; body: string; labels: string[] };
  /** A number no issue or pull request of `repo` has. */
  missingIssue: number;
  /** A user with write permission or more in `repo`, and one with no access. */
  writer: string;
  outsider: string;
  /**
   * A local repository holding `branch` (at least one commit on top of `base`); `base` exists on the host.
   * The case pushes `branch` and opens a pull request from it.
   */
  push: { repository: string; branch: string; base: string };
  /** The secret the host's `verifyWebhook` checks against. */
  webhookSecret: string;
}

const signal = () => AbortSignal.timeout(30_000);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as SessionHubError).code ?? `untyped ${String(error)}`;
  }
  return 'resolved';
}

/** The cases of the GitHost conformance suite. */
export const GIT_HOST_CASES: readonly ConformanceCase<GitHostCaseContext>[] = [
  {
    group: 'issues',
    name: 'getIssue reads title, body and labels',
    async run({ host, repo, issue }) {
      const got = await host.getIssue(repo, issue.number, { signal: signal() });
      expect(got).toMatchObject({ repo, number: issue.number, title: issue.title, body: issue.body });
      expect([...got.labels].sort()).toEqual([...issue.labels].sort());
    },
  },
  {
    group: 'issues',
    name: 'a missing issue is git_host.not_found',
    async run({ host, repo, missingIssue }) {
      expect(await codeOf(host.getIssue(repo, missingIssue, { signal: signal() }))).toBe('git_host.not_found');
    },
  },
  {
    group: 'issues',
    name: 'a repo that is not owner/name is git_host.invalid_input',
    async run({ host, issue }) {
      expect(await codeOf(host.getIssue('../etc', issue.number))).toBe('git_host.invalid_input');
      expect(await codeOf(host.comment('no-slash', issue.number, 'x'))).toBe('git_host.invalid_input');
    },
  },
  {
    group: 'issues',
    name: 'createIssue opens an issue that getIssue reads back',
    async run({ host, repo }) {
      const made = await host.createIssue(repo, {
        title: 'From the suite',
        body: 'Stack trace here.',
        labels: ['conformance'],
      });
      expect(made).toMatchObject({ repo, title: 'From the suite', body: 'Stack trace here.', labels: ['conformance'] });
      expect(await host.getIssue(repo, made.number, { signal: signal() })).toMatchObject({ title: 'From the suite' });
    },
  },
  {
    group: 'comments',
    name: 'a comment is listed with its author and body',
    async run({ host, repo, issue }) {
      const body = `conformance ${Date.now()}`;
      const made = await host.comment(repo, issue.number, body, { signal: signal() });
      expect(made.body).toBe(body);
      const listed = await host.listComments(repo, issue.number, { signal: signal() });
      expect(listed.find((c) => c.id === made.id)).toMatchObject({ body, author: made.author });
    },
  },
  {
    group: 'labels',
    name: 'addLabels twice keeps one label; removeLabel twice is not an error',
    async run({ host, repo, issue }) {
      await host.addLabels(repo, issue.number, ['conformance:a'], { signal: signal() });
      await host.addLabels(repo, issue.number, ['conformance:a'], { signal: signal() });
      const labels = (await host.getIssue(repo, issue.number)).labels;
      expect(labels.filter((l) => l === 'conformance:a')).toHaveLength(1);
      await host.removeLabel(repo, issue.number, 'conformance:a', { signal: signal() });
      await host.removeLabel(repo, issue.number, 'conformance:a', { signal: signal() });
      expect((await host.getIssue(repo, issue.number)).labels).not.toContain('conformance:a');
    },
  },
  {
    group: 'permissions',
    name: 'a writer has write or more; an outsider has none',
    async run({ host, repo, writer, outsider }) {
      expect(['write', 'maintain', 'admin']).toContain(await host.getPermission(repo, writer, { signal: signal() }));
      expect(await host.getPermission(repo, outsider, { signal: signal() })).toBe('none');
    },
  },
  {
    group: 'pull requests',
    name: 'pushBranch pushes with git and is a no-op the second time',
    async run({ host, repo, push }) {
      const first = await host.pushBranch(
        repo,
        { repository: push.repository, branch: push.branch },
        { signal: signal() },
      );
      expect(first.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(await host.pushBranch(repo, { repository: push.repository, branch: push.branch })).toEqual(first);
    },
  },
  {
    group: 'pull requests',
    name: 'createPullRequest opens one that findPullRequest finds again',
    async run({ host, repo, push }) {
      await host.pushBranch(repo, { repository: push.repository, branch: push.branch }, { signal: signal() });
      expect(await host.findPullRequest(repo, push.branch, { signal: signal() })).toBeUndefined();
      const pr = await host.createPullRequest(
        repo,
        {
          title: 'Conformance',
          body: 'A pull request from the conformance suite.',
          head: push.branch,
          base: push.base,
        },
        { signal: signal() },
      );
      expect(pr).toMatchObject({ head: push.branch, base: push.base, state: 'open', merged: false });
      expect(await host.findPullRequest(repo, push.branch, { signal: signal() })).toEqual(pr);
    },
  },
  {
    group: 'webhooks',
    name: 'verifyWebhook accepts the HMAC-SHA256 of the payload and nothing else',
    async run({ host, webhookSecret }) {
      const payload = '{"action":"labeled"}';
      const good = `sha256=${createHmac('sha256', webhookSecret).update(payload).digest('hex')}`;
      expect(await host.verifyWebhook(payload, good)).toBe(true);
      expect(await host.verifyWebhook(new TextEncoder().encode(payload), good)).toBe(true);
      expect(await host.verifyWebhook(`${payload} `, good)).toBe(false);
      expect(await host.verifyWebhook(payload, good.replace('sha256=', 'sha1='))).toBe(false);
      expect(await host.verifyWebhook(payload, '')).toBe(false);
    },
  },
];
