import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, ProviderError, type SessionHub } from '@sessionhub/core';
import { gateResult, ScriptedPlanner, ScriptedVerifier } from '@sessionhub/core/testing/doubles';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { type FakeGitHub, startFakeGitHub } from '@sessionhub/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createIssueLoop,
  deliverySessionId,
  type QueuedJob,
  SqliteDeliveryLog,
  SqlitePullRequestLinks,
  WebhookReceiver,
} from '../src/index.js';
import { fakeGitHubHost, scriptedHub } from './scripted-hub.js';

const REPO = 'octo/app';
let dir: string;
let fake: FakeGitHub;
let deliveries: SqliteDeliveryLog;
let pullRequests: SqlitePullRequestLinks;
/** Where the loop records outcomes (the rating test puts a finished session in it). */
let store: MemoryStore;
const approved: string[] = [];

/** The hub surface the loop uses; these tests cover paths that must not start a session. */
const hub: Pick<SessionHub, 'run' | 'resume' | 'approve' | 'events'> = {
  run: () => Promise.reject(new Error('no session may start here')),
  resume: () => Promise.reject(new Error('no session may resume here')),
  approve: async (id) => {
    approved.push(id);
  },
  events: () => {
    throw new Error('no session log may be read here');
  },
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessionhub-loop-'));
  fake = await startFakeGitHub({
    token: 't',
    repos: [{ name: REPO, permissions: { maintainer: 'maintain', reader: 'read' }, issues: [{ title: 'Do it' }] }],
  });
  deliveries = SqliteDeliveryLog.open({ path: join(dir, 'db.sqlite') });
  pullRequests = SqlitePullRequestLinks.open({ path: join(dir, 'db.sqlite') });
  store = new MemoryStore();
  approved.length = 0;
});
afterEach(async () => {
  deliveries.close();
  pullRequests.close();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function loop(extra: { permissionCacheMs?: number } = {}) {
  return createIssueLoop({
    ...extra,
    host: fakeGitHubHost(fake.url),
    hub,
    deliveries,
    outcomes: { store, pullRequests },
    repository: dir,
  });
}

async function run(deliveryId: string, job: QueuedJob['job']) {
  expect(await deliveries.claim(deliveryId, 'issue_comment.created', job)).toBe(true);
  await loop()({ deliveryId, job }, { signal: AbortSignal.timeout(10_000) });
}

describe('the issue loop’s comment commands', () => {
  it('answers /sessionhub run from a reader politely, starts nothing, and asks the API (not the payload) for the permission', async () => {
    await run('d1', { kind: 'issue', repo: REPO, number: 1, sender: 'reader', via: 'command', commentId: 5 });
    const comments = fake.repo(REPO).issues.get(1)?.comments ?? [];
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/^Thanks, @reader! SessionHub takes commands only from people with write access/);
    expect(fake.requests.map((r) => r.operationId)).toEqual([
      'repos/get-collaborator-permission-level',
      'issues/create-comment',
    ]);
    expect(deliveries.get('d1')).toMatchObject({ state: 'done', note: 'refused: permission' });
    fake.assertClean();
  });

  it('asks the API once for a burst of commands from one user, and every time with permissionCacheMs 0', async () => {
    const asked = () => fake.requests.filter((r) => r.operationId === 'repos/get-collaborator-permission-level');
    for (const [cacheMs, expected] of [
      [undefined, 1],
      [0, 3],
    ] as const) {
      const runner = loop(cacheMs === undefined ? {} : { permissionCacheMs: cacheMs });
      for (const commentId of [11, 12]) {
        const job = { kind: 'issue', repo: REPO, number: 1, sender: 'reader', via: 'command', commentId } as const;
        const id = `c${cacheMs}-${commentId}`;
        expect(await deliveries.claim(id, 'issue_comment.created', job)).toBe(true);
        await runner({ deliveryId: id, job }, { signal: AbortSignal.timeout(10_000) });
        expect(deliveries.get(id)).toMatchObject({ state: 'done', note: 'refused: permission' });
      }
      expect(asked()).toHaveLength(expected);
    }
  });

  it('refuses /sessionhub approve from someone with no access, and approves for a maintainer', async () => {
    expect(
      await deliveries.claim('s', 'issues.labeled', {
        kind: 'issue',
        repo: REPO,
        number: 1,
        sender: 'maintainer',
        via: 'label',
      }),
    ).toBe(true);
    deliveries.setSession('s', 'session-1');
    await run('a1', { kind: 'approve', repo: REPO, number: 1, sender: 'stranger', commentId: 6 });
    expect(approved).toEqual([]);
    await run('a2', { kind: 'approve', repo: REPO, number: 1, sender: 'maintainer', commentId: 7 });
    expect(approved).toEqual(['session-1']);
    expect(deliveries.get('a2')).toMatchObject({ state: 'done', note: 'approved session-1' });
  });

  it('records /sessionhub rate on the session’s log, on its pull request or its issue; a user’s later rating replaces theirs', async () => {
    const sandbox = new ProcessSandboxProvider({ isolation: 'none', allowUnisolated: true });
    try {
      const finished = scriptedHub({
        store,
        sandbox,
        workspace: dir,
      });
      const { session } = await (await finished.run({ request: 'Add a CSV export' })).result;
      pullRequests.link({ repo: REPO, number: 2, sessionId: session.id, issueNumber: 1 });
      await run('r1', { kind: 'rate', repo: REPO, number: 2, sender: 'reader', commentId: 8, rating: 2, note: 'meh' });
      await run('r2', {
        kind: 'rate',
        repo: REPO,
        number: 1,
        sender: 'reader',
        commentId: 9,
        rating: 4,
        note: 'better',
      });
      const recorded = (await store.readEvents(session.id)).filter((e) => e.type === 'outcome.recorded');
      expect(recorded.map((e) => e.outcome)).toEqual([
        { kind: 'rating', value: 2, source: 'github', by: 'reader', note: 'meh' },
        { kind: 'rating', value: 4, source: 'github', by: 'reader', note: 'better' },
      ]);
      const { overall } = await store.analytics();
      expect([overall.ratings, overall.satisfaction]).toEqual([1, 4]);
      expect(deliveries.get('r2')).toMatchObject({ state: 'done', note: `rated ${session.id} 4` });
    } finally {
      await sandbox.close();
    }
  });

  it('answers /sessionhub rate where no session’s pull request is, and records nothing', async () => {
    await run('r3', { kind: 'rate', repo: REPO, number: 1, sender: 'reader', commentId: 10, rating: 5, note: '' });
    expect(
      fake
        .repo(REPO)
        .issues.get(1)
        ?.comments.map((c) => c.body),
    ).toEqual(['There is no SessionHub pull request here to rate.']);
    expect(deliveries.get('r3')).toMatchObject({ state: 'done', note: 'no session' });
  });
});

describe('the issue loop’s sessions', () => {
  function engine(
    store: MemoryStore,
    verifier: ScriptedVerifier,
    planner: ScriptedPlanner,
    sandbox: ProcessSandboxProvider,
  ) {
    return scriptedHub({
      planner,
      verifier,
      store,
      sandbox,
      workspace: dir,
      policy: { maxFixAttempts: 1 },
    });
  }

  function receiverOn(
    hubToUse: Pick<SessionHub, 'run' | 'resume' | 'approve' | 'events'>,
    log: SqliteDeliveryLog,
    onProgress: (message: string) => void = () => {},
  ) {
    return new WebhookReceiver({
      secret: 's',
      deliveries: log,
      runJob: createIssueLoop({
        host: fakeGitHubHost(fake.url),
        hub: hubToUse,
        deliveries: log,
        repository: dir,
        onProgress,
      }),
    });
  }

  it('a session that needs approval asks for it on the issue, and /sessionhub approve from a maintainer lets it run', async () => {
    const sandbox = new ProcessSandboxProvider({ isolation: 'none', allowUnisolated: true });
    try {
      const store = new MemoryStore();
      const waiting = scriptedHub({
        store,
        sandbox,
        workspace: dir,
        policy: { requireApproval: true },
      });
      let asked!: () => void;
      const askedForApproval = new Promise<void>((ok) => (asked = ok));
      const r = receiverOn(waiting, deliveries, (message) => {
        if (message.startsWith('asked for approval')) asked();
      });
      await r.enqueue('w1', 'issues.labeled', {
        kind: 'issue',
        repo: REPO,
        number: 1,
        sender: 'maintainer',
        via: 'label',
      });
      await askedForApproval;
      const [session] = await store.listSessions();
      expect(session?.state).toBe('awaiting_approval');
      const ask = fake
        .repo(REPO)
        .issues.get(1)
        ?.comments.find((c) => c.body.includes('waits for approval'));
      expect(ask?.body).toContain('Comment `/sessionhub approve` to let it run');
      expect(ask?.body).toMatch(/```text\n.+/);
      await r.enqueue('w2', 'issue_comment.created', {
        kind: 'approve',
        repo: REPO,
        number: 1,
        sender: 'maintainer',
        commentId: 1,
      });
      await r.idle();
      expect((await store.listSessions()).map((s) => s.state)).toEqual(['succeeded']);
      expect(deliveries.get('w2')).toMatchObject({ state: 'done', note: `approved ${session?.id}` });
      expect(fake.repo(REPO).issues.get(1)?.labels).toEqual(['sessionhub:succeeded']);
    } finally {
      await sandbox.close();
    }
  });

  it('a failed session labels the issue sessionhub:failed and comments with the failing gates', async () => {
    const sandbox = new ProcessSandboxProvider({ isolation: 'none', allowUnisolated: true });
    try {
      const verdict = { passed: false, gates: [gateResult('test', false, 'expected 3 rows, got 0')] };
      const hubWithFailures = engine(
        new MemoryStore(),
        new ScriptedVerifier([verdict]),
        new ScriptedPlanner(),
        sandbox,
      );
      const r = receiverOn(hubWithFailures, deliveries);
      expect(
        await r.enqueue('f1', 'issues.labeled', {
          kind: 'issue',
          repo: REPO,
          number: 1,
          sender: 'maintainer',
          via: 'label',
        }),
      ).toBe(true);
      await r.idle();
      const issue = fake.repo(REPO).issues.get(1);
      expect(issue?.labels).toEqual(['sessionhub:failed']);
      const last = issue?.comments.at(-1)?.body ?? '';
      expect(last).toMatch(/ended \*\*failed\*\*/);
      expect(last).toContain('- **test**: expected 3 rows, got 0');
      expect(last).toContain('Fix rounds: 1');
      expect(deliveries.get('f1')?.state).toBe('failed');
      fake.assertClean();
    } finally {
      await sandbox.close();
    }
  });

  it('a process that takes the job after the first stalled past its lease continues the first one’s session, never a second', async () => {
    const sandbox = new ProcessSandboxProvider({ isolation: 'none', allowUnisolated: true });
    const store = new MemoryStore();
    const job: QueuedJob['job'] = { kind: 'issue', repo: REPO, number: 1, sender: 'maintainer', via: 'label' };
    try {
      // First process: it starts the delivery's session, then stalls before recording it on the job (its `run`
      // never returns to the loop) while its engine runs the session to its end.
      const firstPlanner = new ScriptedPlanner();
      const firstHub = engine(store, new ScriptedVerifier(), firstPlanner, sandbox);
      const stalled = new AbortController();
      const stallingHub: Pick<SessionHub, 'run' | 'resume' | 'approve' | 'events'> = {
        ...hub,
        run: (request, opts) => firstHub.run(request, opts).then(() => new Promise<never>(() => {})),
      };
      expect(await deliveries.claim('s1', 'issues.labeled', job)).toBe(true);
      const first = createIssueLoop({ host: fakeGitHubHost(fake.url), hub: stallingHub, deliveries, repository: dir });
      void first({ deliveryId: 's1', job }, { signal: stalled.signal });
      await expect.poll(async () => (await store.listSessions()).map((s) => s.state)).toEqual(['succeeded']);
      expect(deliveries.pending().map((q) => [q.deliveryId, q.sessionId])).toEqual([['s1', undefined]]);

      // Second process: same job, not yet linked to a session; its engine must not plan anything.
      const secondPlanner = new ScriptedPlanner();
      const progress: string[] = [];
      const second = createIssueLoop({
        host: fakeGitHubHost(fake.url),
        hub: engine(store, new ScriptedVerifier(), secondPlanner, sandbox),
        deliveries,
        repository: dir,
        onProgress: (message) => progress.push(message),
      });
      await second({ deliveryId: 's1', job }, { signal: AbortSignal.timeout(10_000) });

      const sessions = await store.listSessions();
      expect(sessions.map((s) => [s.id, s.state])).toEqual([[deliverySessionId('s1'), 'succeeded']]);
      expect(firstPlanner.calls).toHaveLength(1);
      expect(secondPlanner.calls).toHaveLength(0);
      expect(progress[0]).toBe(
        `resuming session ${deliverySessionId('s1')}, started for this delivery by another process`,
      );
      expect(deliveries.get('s1')).toMatchObject({ state: 'done', sessionId: deliverySessionId('s1') });
      const comments =
        fake
          .repo(REPO)
          .issues.get(1)
          ?.comments.map((c) => c.body.split('\n')[0]) ?? [];
      expect(comments).toEqual([`SessionHub session \`${deliverySessionId('s1')}\` ended **succeeded**.`]);
      stalled.abort();
    } finally {
      await sandbox.close();
    }
  });

  it('a delivery’s session id is a UUID derived from the delivery id', () => {
    const id = deliverySessionId('72d3162e-cc78-11e3-81ab-4c9367dc0958');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deliverySessionId('72d3162e-cc78-11e3-81ab-4c9367dc0958')).toBe(id);
    expect(deliverySessionId('72d3162e-cc78-11e3-81ab-4c9367dc0959')).not.toBe(id);
  });

  it('after a restart, a job whose session paused resumes that session instead of starting another', async () => {
    const sandbox = new ProcessSandboxProvider({ isolation: 'none', allowUnisolated: true });
    const store = new MemoryStore();
    try {
      // First process: the planner's provider is down; the session pauses and the job stays queued.
      const down = new ScriptedPlanner({
        script: [
          () => {
            throw new ProviderError('provider.overloaded', 'overloaded', { status: 529, retryable: true });
          },
        ],
      });
      const first = receiverOn(engine(store, new ScriptedVerifier(), down, sandbox), deliveries);
      expect(
        await first.enqueue('p1', 'issues.labeled', {
          kind: 'issue',
          repo: REPO,
          number: 1,
          sender: 'maintainer',
          via: 'label',
        }),
      ).toBe(true);
      await first.idle();
      await first.close();
      const [paused] = await store.listSessions();
      expect(paused?.state).toBe('planning');
      expect(deliveries.pending().map((q) => [q.deliveryId, q.sessionId])).toEqual([['p1', paused?.id]]);

      // Second process: a new delivery log over the same file, a new engine; start() re-queues the job.
      const reopened = SqliteDeliveryLog.open({ path: join(dir, 'db.sqlite') });
      try {
        const up = new ScriptedPlanner();
        const second = receiverOn(engine(store, new ScriptedVerifier(), up, sandbox), reopened);
        expect(second.start()).toBe(1);
        await second.idle();
        expect((await store.listSessions()).map((s) => [s.id, s.state])).toEqual([[paused?.id, 'succeeded']]);
        expect(up.calls).toHaveLength(1);
        const comments =
          fake
            .repo(REPO)
            .issues.get(1)
            ?.comments.map((c) => c.body.split('\n')[0]) ?? [];
        expect(comments).toEqual([
          `SessionHub started session \`${paused?.id}\` for this issue.`,
          `SessionHub session \`${paused?.id}\` ended **succeeded**.`,
        ]);
        expect(reopened.get('p1')?.state).toBe('done');
      } finally {
        reopened.close();
      }
    } finally {
      await sandbox.close();
    }
  });
});
