import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeGitHostConformance } from '@sessionhub/core/testing';
import { startFakeGitHub } from '@sessionhub/testing';
import { GitHubHost } from '../src/index.js';
import { git, makeRepository } from './helpers.js';

describeGitHostConformance('GitHubHost on the fake GitHub API', async () => {
  const local = await makeRepository();
  const fake = await startFakeGitHub({
    token: 'ghp_conformance',
    repos: [
      {
        name: 'octo/app',
        cloneFrom: local,
        permissions: { writer: 'write' },
        issues: [{ title: 'Conformance issue', body: 'Body text.', labels: ['bug'] }],
      },
    ],
  });
  await git(local, ['checkout', '--quiet', '-b', 'sessionhub/conformance']);
  await writeFile(join(local, 'change.txt'), 'changed\n');
  await git(local, ['add', '-A']);
  await git(local, ['commit', '--quiet', '-m', 'change']);
  return {
    host: new GitHubHost({
      auth: { token: 'ghp_conformance' },
      baseUrl: fake.url,
      gitUrl: (repo) => fake.gitUrl(repo),
      webhookSecret: 'conformance-secret',
      limits: { writeSpacingMs: 0, notificationSpacingMs: 0, retryAfterBaseMs: 5 },
    }),
    repo: 'octo/app',
    issue: { number: 1, title: 'Conformance issue', body: 'Body text.', labels: ['bug'] },
    missingIssue: 404,
    writer: 'writer',
    outsider: 'stranger',
    push: { repository: local, branch: 'sessionhub/conformance', base: 'main' },
    webhookSecret: 'conformance-secret',
    async dispose() {
      fake.assertClean();
      await fake.close();
      await rm(local, { recursive: true, force: true });
    },
  };
});
