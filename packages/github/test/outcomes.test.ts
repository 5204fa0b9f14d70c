import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, recordOutcome } from '@sessionhub/core';
import { gateResult, ScriptedPlanner, ScriptedVerifier } from '@sessionhub/core/testing/doubles';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { type FakeGitHub, startFakeGitHub } from '@sessionhub/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createIssueLoop,
  SqliteDeliveryLog,
  SqlitePullRequestLinks,
  WebhookReceiver,
  withFailureLessons,
  withOutcomeRanking,
} from '../src/index.js';
import { fakeGitHubHost, scriptedHub } from './scripted-hub.js';
import { deliveryHeaders, examplePayload } from './webhook-payloads.js';

let dir: string;
let sandbox: ProcessSandboxProvider;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessionhub-outcomes-'));
  sandbox = new ProcessSandboxProvider({ isolation: 'none', allowUnisolated: true });
});
afterEach(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('outcomes and learning from failures', () => {
  it('a failure pattern recorded in one session reaches the planner input of a similar later one', async () => {
    const store = new MemoryStore();
    const planner = new ScriptedPlanner();
    const failing = new ScriptedVerifier([
      {
        passed: false,
        gates: [gateResult('test', false, 'GET /reports.csv answered 500: the export timed out on 10k rows')],
      },
    ]);
    const hub = (verifier: ScriptedVerifier) =>
      scriptedHub({
        planner: withFailureLessons(planner, { store }),
        verifier,
        store,
        sandbox,
        workspace: dir,
        policy: { maxFixAttempts: 0 },
      });
    const first = await (await hub(failing).run({ request: 'Let users export their reports as CSV' })).result;
    expect(first.session.state).toBe('failed');
    expect(planner.calls[0]?.input.request).toBe('Let users export their reports as CSV');

    await (await hub(new ScriptedVerifier()).run({ request: 'Users can download reports as a CSV export' })).result;
    const told = planner.calls[1]?.input.request ?? '';
    expect(told).toContain('What went wrong in similar past sessions');
    expect(told).toContain('test failed (GET /reports.csv answered 500: the export timed out on 10k rows)');
    expect(told).toContain('after 0 fix round(s)');

    await (await hub(new ScriptedVerifier()).run({ request: 'Add a dark theme to the settings page' })).result;
    expect(planner.calls[2]?.input.request).toBe('Add a dark theme to the settings page');
  });

  it('a merged, then reverted pull request is a lesson for a similar later session', async () => {
    const store = new MemoryStore();
    const planner = new ScriptedPlanner();
    const hub = scriptedHub({
      planner: withFailureLessons(planner, { store }),
      store,
      sandbox,
      workspace: dir,
    });
    const first = (await (await hub.run({ request: 'Let users export their reports as CSV' })).result).session;
    await recordOutcome(store, first.id, { kind: 'merged', source: 'github' });
    await recordOutcome(store, first.id, { kind: 'reverted', source: 'github', note: 'reverted by #12' });
    await (await hub.run({ request: 'Users can download reports as a CSV export' })).result;
    expect(planner.calls[1]?.input.request).toContain(
      '- A similar request ("Let users export their reports as CSV") was merged, then reverted after 0 fix round(s).',
    );
  });

  it('pull_request.closed deliveries and /sessionhub rate comments become outcome.recorded events; analytics reports merge rate and satisfaction', async () => {
    const path = join(dir, 'db.sqlite');
    const fake: FakeGitHub = await startFakeGitHub({ token: 't', repos: [{ name: 'Codertocat/Hello-World' }] });
    // Every store reports outcomes: the SQLite store here, the memory store in the other tests.
    const store = await openSqliteStore({ path });
    const deliveries = SqliteDeliveryLog.open({ path });
    const pullRequests = SqlitePullRequestLinks.open({ path });
    try {
      const hub = scriptedHub({
        store,
        sandbox,
        workspace: dir,
      });
      const ids: string[] = [];
      for (const request of ['first change', 'second change']) {
        ids.push((await (await hub.run({ request })).result).session.id);
      }
      pullRequests.link({ repo: 'Codertocat/Hello-World', number: 10, sessionId: ids[0] as string });
      pullRequests.link({ repo: 'Codertocat/Hello-World', number: 11, sessionId: ids[1] as string });
      const receiver = new WebhookReceiver({
        secret: 's',
        deliveries,
        runJob: createIssueLoop({
          host: fakeGitHubHost(fake.url),
          hub,
          deliveries,
          outcomes: { store, pullRequests },
          repository: dir,
        }),
      });
      const closed = (number: number, merged: boolean, body = '') =>
        examplePayload('pull_request', 'closed', (p) => {
          p.number = number;
          p.pull_request.number = number;
          p.pull_request.merged = merged;
          p.pull_request.body = body;
          p.pull_request.html_url = `https://github.com/Codertocat/Hello-World/pull/${number}`;
        });
      const rating = (number: number, text: string, login: string) =>
        examplePayload('issue_comment', 'created', (p) => {
          p.issue.number = number;
          p.comment.body = text;
          p.comment.user.login = login;
        });
      const send = (event: string, payload: object) => {
        const body = JSON.stringify(payload);
        return receiver.receive({ headers: deliveryHeaders(event, randomUUID(), body, 's'), body: Buffer.from(body) });
      };
      expect((await send('pull_request', closed(10, true))).status).toBe(202);
      expect((await send('pull_request', closed(11, true))).status).toBe(202);
      expect((await send('pull_request', closed(12, true, 'Reverts Codertocat/Hello-World#11'))).status).toBe(202);
      expect((await send('issue_comment', rating(10, '/sessionhub rate 5 exactly right', 'octocat'))).status).toBe(202);
      expect((await send('issue_comment', rating(11, '/sessionhub rate 2', 'octocat'))).status).toBe(202);
      await receiver.idle();
      // Ratings run beside the pull-request jobs (which run in order): sorted by kind here.
      const outcomesOf = async (id: string) =>
        (await store.readEvents(id))
          .flatMap((e) => (e.type === 'outcome.recorded' ? [e.outcome] : []))
          .sort((a, b) => a.kind.localeCompare(b.kind));
      expect(await outcomesOf(ids[0] as string)).toEqual([
        { kind: 'merged', source: 'github', url: 'https://github.com/Codertocat/Hello-World/pull/10' },
        { kind: 'rating', value: 5, source: 'github', by: 'octocat', note: 'exactly right' },
      ]);
      expect(await outcomesOf(ids[1] as string)).toEqual([
        { kind: 'merged', source: 'github', url: 'https://github.com/Codertocat/Hello-World/pull/11' },
        { kind: 'rating', value: 2, source: 'github', by: 'octocat' },
        {
          kind: 'reverted',
          source: 'github',
          note: 'reverted by #12',
          url: 'https://github.com/Codertocat/Hello-World/pull/12',
        },
      ]);
      const { byRequestKind } = await store.analytics();
      expect(byRequestKind).toEqual([
        expect.objectContaining({
          kind: 'request',
          merged: 1,
          rejected: 1,
          mergeRate: 0.5,
          ratings: 2,
          satisfaction: 3.5,
        }),
      ]);
      fake.assertClean();
    } finally {
      deliveries.close();
      pullRequests.close();
      await store.close();
      await fake.close();
    }
  });

  it('ranks the library by the outcomes on the sessions’ logs, so the planner sees merged work first and reverted work last', async () => {
    const store = new MemoryStore();
    const plain = scriptedHub({
      store,
      sandbox,
      workspace: dir,
    });
    const run = async (request: string) =>
      (await (await plain.run({ request, tags: ['csv-export'] })).result).session.id;
    const merged = await run('Export users as CSV');
    const undecided = await run('Export invoices as CSV');
    const closed = await run('Export orders as CSV');
    const reverted = await run('Export reports as CSV');
    await recordOutcome(store, reverted, { kind: 'merged', source: 'github' });
    await recordOutcome(store, reverted, { kind: 'reverted', source: 'github' });
    await recordOutcome(store, closed, { kind: 'closed', source: 'github' });
    await recordOutcome(store, merged, { kind: 'merged', source: 'github' });

    const ranked = withOutcomeRanking(store);
    const plainOrder = (await store.searchLibrary({ text: 'csv export', state: 'succeeded' })).map((h) => h.session.id);
    expect(plainOrder).toEqual([reverted, closed, undecided, merged]); // by text alone: newest first at equal scores
    const planner = new ScriptedPlanner();
    const learning = scriptedHub({
      planner,
      store: ranked,
      sandbox,
      workspace: dir,
    });
    await (await learning.run({ request: 'csv export of orders' })).result;
    // The engine shows the planner three: the reverted one, the newest match by text, is left out.
    expect(planner.calls[0]?.input.library.map((h) => h.session.id)).toEqual([merged, undecided, closed]);
    // The latest outcome counts: merged after all, and newer than the other merged one at an equal match.
    await recordOutcome(store, closed, { kind: 'merged', source: 'github' });
    const again = (await ranked.searchLibrary({ text: 'csv export', state: 'succeeded' })).map((h) => h.session.id);
    expect(again).toEqual([closed, merged, undecided, reverted]);
    // A caller's own rankBy is kept.
    const byRelevance = await ranked.searchLibrary({ text: 'csv export', state: 'succeeded', rankBy: 'relevance' });
    expect(byRelevance.map((h) => h.session.id)).toEqual(plainOrder);
  });
});
