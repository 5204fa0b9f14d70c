/**
 * `npm run self-develop -w @sessionhub/example-self-develop`: the whole loop offline. A demo repository, the fake
 * GitHub API (its git remote a real bare repository) and the fake Messages API with a scripted session; a signed
 * `issues.labeled` delivery goes in, and the pull request, the issue's comments and labels come out. Then the same
 * delivery again, and a forged one: nothing more happens.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeAnthropic, startFakeGitHub } from '@sessionhub/testing';
import { labeledPayload, postDelivery } from './deliveries.js';
import { createSlugRepository, SLUG_ISSUE, slugScript } from './project.js';
import { startSelfDevelop } from './server.js';

const REPO = 'octo/slugs';
const SECRET = 'offline-webhook-secret';

const root = await mkdtemp(join(tmpdir(), 'sessionhub-self-develop-'));
const repository = join(root, 'slugs');
await createSlugRepository(repository);
const github = await startFakeGitHub({
  token: 'ghp_offline',
  repos: [
    {
      name: REPO,
      cloneFrom: repository,
      permissions: { octocat: 'admin' },
      issues: [{ ...SLUG_ISSUE, labels: ['sessionhub-auto'] }],
    },
  ],
});
const model = await startFakeAnthropic({ script: slugScript() });
const app = await startSelfDevelop({
  repository,
  repo: REPO,
  github: { auth: { token: 'ghp_offline' }, baseUrl: github.url, gitUrl: (r) => github.gitUrl(r) },
  webhookSecret: SECRET,
  anthropic: { apiKey: 'sk-ant-offline', baseURL: model.url },
  dataDir: join(root, 'data'),
  onProgress: (message) => console.log(`  loop: ${message}`),
});
try {
  const body = labeledPayload({
    repo: REPO,
    issue: { number: 1, ...SLUG_ISSUE },
    label: 'sessionhub-auto',
    sender: 'octocat',
  });
  const id = randomUUID();
  const hook = `${app.url}webhooks/github`;
  console.log(`issues.labeled ${id} -> HTTP ${await postDelivery(hook, 'issues', id, body, SECRET)}`);
  await app.receiver.idle();
  const remote = github.repo(REPO);
  const issue = remote.issues.get(1);
  for (const pr of remote.pulls.values()) {
    console.log(`\npull request #${pr.number} ${pr.head} -> ${pr.base}: ${pr.title}`);
    console.log(`commits: ${(await remote.log(pr.head)).join(' | ')}`);
    console.log(`\n${pr.body}`);
  }
  console.log(`issue #1 labels: ${issue?.labels.join(', ')}`);
  for (const c of issue?.comments ?? []) console.log(`issue #1 comment by ${c.author}: ${c.body.split('\n')[0]}`);
  console.log(`\nsame delivery again -> HTTP ${await postDelivery(hook, 'issues', id, body, SECRET)}`);
  console.log(`forged delivery -> HTTP ${await postDelivery(hook, 'issues', randomUUID(), body, 'not-the-secret')}`);
  await app.receiver.idle();
  console.log(`sessions: ${(await app.store.listSessions()).length}, pull requests: ${remote.pulls.size}`);
  model.assertDone();
  github.assertClean();
} finally {
  await app.close();
  await github.close();
  await model.close();
  await rm(root, { recursive: true, force: true });
}
