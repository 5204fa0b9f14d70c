import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSessionHub, MemoryStore } from '@sessionhub/core';
import { gateResult, ScriptedExecutor, ScriptedPlanner, ScriptedVerifier } from '@sessionhub/core/testing/doubles';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { type FakeGitHub, startFakeGitHub } from '@sessionhub/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createIssueLoop,
  GitHubHost,
  outcomeStats,
  SqliteDeliveryLog,
  SqliteOutcomeLog,
  signPayload,
  WebhookReceiver,
  withFailureLessons,
  withOutcomeRanking,
} from '../src/index.js';
import { examplePayload } from './webhook-payloads.js';

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
      createSessionHub({
        planner: withFailureLessons(planner, { store }),
        executor: new ScriptedExecutor(),
        verifier,
        store,
        sandbox,
        workspace: dir,
        policy: { maxFixAttempts: 0, foundation: 'skip' },
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

  it('records merged, closed and reverted pull requests from pull_request.closed deliveries, and reports merge rate and satisfaction', async () => {
    const path = join(dir, 'db.sqlite');
    const deliveries = SqliteDeliveryLog.open({ path });
    const outcomes = SqliteOutcomeLog.open({ path });
    const fake: FakeGitHub = await startFakeGitHub({ token: 't', repos: [{ name: 'Codertocat/Hello-World' }] });
    try {
      const store = new MemoryStore();
      const hub = createSessionHub({
        planner: new ScriptedPlanner(),
        executor: new ScriptedExecutor(),
        verifier: new ScriptedVerifier(),
        store,
        sandbox,
        workspace: dir,
        policy: { foundation: 'skip' },
      });
      const ids: string[] = [];
      for (const request of ['first change', 'second change']) {
        ids.push((await (await hub.run({ request })).result).session.id);
      }
      outcomes.linkPullRequest({ repo: 'Codertocat/Hello-World', number: 10, sessionId: ids[0] as string });
      outcomes.linkPullRequest({ repo: 'Codertocat/Hello-World', number: 11, sessionId: ids[1] as string });
      outcomes.record({ sessionId: ids[0] as string, kind: 'rating', value: 5, source: 'octocat' });
      outcomes.record({ sessionId: ids[1] as string, kind: 'rating', value: 2, source: 'octocat' });
      const receiver = new WebhookReceiver({
        secret: 's',
        deliveries,
        runJob: createIssueLoop({
          host: new GitHubHost({
            auth: { token: 't' },
            baseUrl: fake.url,
            limits: { writeSpacingMs: 0, notificationSpacingMs: 0 },
          }),
          hub,
          deliveries,
          outcomes,
          repository: dir,
        }),
      });
      const closed = (number: number, merged: boolean, body = '') =>
        JSON.stringify(
          examplePayload('pull_request', 'closed', (p) => {
            p.number = number;
            p.pull_request.number = number;
            p.pull_request.merged = merged;
            p.pull_request.body = body;
          }),
        );
      const send = (body: string) =>
        receiver.receive({
          headers: {
            'x-github-event': 'pull_request',
            'x-github-delivery': randomUUID(),
            'x-hub-signature-256': signPayload('s', body),
          },
          body: Buffer.from(body),
        });
      expect((await send(closed(10, true))).status).toBe(202);
      expect((await send(closed(11, true))).status).toBe(202);
      expect((await send(closed(12, true, 'Reverts Codertocat/Hello-World#11'))).status).toBe(202);
      await receiver.idle();
      expect(
        outcomes
          .forSession(ids[0] as string)
          .map((o) => o.kind)
          .sort(),
      ).toEqual(['merged', 'rating']);
      expect(
        outcomes
          .forSession(ids[1] as string)
          .map((o) => o.kind)
          .sort(),
      ).toEqual(['merged', 'rating', 'reverted']);
      const [stats] = await outcomeStats(store, outcomes, { by: 'kind' });
      expect(stats).toEqual({
        key: 'request',
        sessions: 2,
        succeeded: 2,
        merged: 1,
        rejected: 1,
        mergeRate: 0.5,
        satisfaction: 3.5,
        ratings: 2,
      });
      fake.assertClean();
    } finally {
      deliveries.close();
      outcomes.close();
      await fake.close();
    }
  });

  it('ranks the library by real outcome, so the planner sees merged work first and reverted work last; stats per model tag', async () => {
    const store = new MemoryStore();
    const outcomes = SqliteOutcomeLog.open({ path: join(dir, 'outcomes.sqlite') });
    try {
      const plain = createSessionHub({
        planner: new ScriptedPlanner(),
        executor: new ScriptedExecutor(),
        verifier: new ScriptedVerifier(),
        store,
        sandbox,
        workspace: dir,
        policy: { foundation: 'skip' },
      });
      const run = async (request: string, model: string) =>
        (await (await plain.run({ request, tags: ['csv-export', `model:${model}`] })).result).session.id;
      const merged = await run('Export users as CSV', 'small');
      const undecided = await run('Export invoices as CSV', 'big');
      const reverted = await run('Export reports as CSV', 'big');
      outcomes.record({ sessionId: reverted, kind: 'merged', value: 1, source: 'github' });
      outcomes.record({ sessionId: reverted, kind: 'reverted', value: 1, source: 'github' });
      outcomes.record({ sessionId: merged, kind: 'merged', value: 1, source: 'github' });

      const ranked = withOutcomeRanking(store, outcomes);
      const plainOrder = (await store.searchLibrary({ text: 'csv export', state: 'succeeded' })).map(
        (h) => h.session.id,
      );
      expect(plainOrder).toEqual([reverted, undecided, merged]); // by text alone: newest first at equal scores
      const planner = new ScriptedPlanner();
      const learning = createSessionHub({
        planner,
        executor: new ScriptedExecutor(),
        verifier: new ScriptedVerifier(),
        store: ranked,
        sandbox,
        workspace: dir,
        policy: { foundation: 'skip' },
      });
      await (await learning.run({ request: 'csv export of orders', tags: ['model:small'] })).result;
      expect(planner.calls[0]?.input.library.map((h) => h.session.id)).toEqual([merged, undecided, reverted]);
      outcomes.record({ sessionId: undecided, kind: 'merged', value: 1, source: 'github' });
      outcomes.record({ sessionId: undecided, kind: 'rating', value: 5, source: 'octocat' });
      const again = (await ranked.searchLibrary({ text: 'csv export', state: 'succeeded' })).map((h) => h.session.id);
      expect(again).toEqual([undecided, merged, reverted]);

      const byModel = await outcomeStats(store, outcomes, { by: 'tag', tagPrefix: 'model:' });
      expect(byModel.map((s) => [s.key, s.sessions, s.merged, s.rejected])).toEqual([
        ['big', 2, 1, 1],
        ['small', 2, 1, 0],
      ]);
    } finally {
      outcomes.close();
    }
  });
});
