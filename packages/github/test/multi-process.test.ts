import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildWatch, spawnTs, watchChild } from '@sessionhub/core/testing';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { type FakeGitHub, startFakeGitHub } from '@sessionhub/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { issueTag, SqliteDeliveryLog, signPayload } from '../src/index.js';
import { examplePayload } from './webhook-payloads.js';

const here = dirname(fileURLToPath(import.meta.url));
const WORKER = join(here, 'fixtures', 'receiver-process.ts');
const REPO = 'Codertocat/Hello-World';
const SECRET = 'shared-secret';
const ISSUES = 24;

let dir: string;
let fake: FakeGitHub;
const children: { child: ChildProcess; watch: ChildWatch }[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessionhub-multi-receiver-'));
  fake = await startFakeGitHub({
    token: 't',
    repos: [
      {
        name: REPO,
        issues: Array.from({ length: ISSUES }, (_, i) => ({ title: `Issue ${i + 1}`, body: 'Do it.' })),
      },
    ],
  });
});
afterEach(async () => {
  for (const { child, watch } of children.splice(0)) {
    child.kill('SIGKILL');
    await watch.exited;
  }
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

/** Starts a receiver process on the shared file; resolves with its URL once it listens. */
async function startReceiver(
  db: string,
  options: { leaseMs?: number; requireApproval?: boolean } = {},
): Promise<{ url: string; child: ChildProcess; watch: ChildWatch }> {
  const child = spawnTs(WORKER, [JSON.stringify({ db, githubUrl: fake.url, secret: SECRET, ...options })], {
    cwd: join(here, '..'),
  });
  const watch = watchChild(child);
  children.push({ child, watch });
  const url = await new Promise<string>((resolve, reject) => {
    const found = (line: string) => {
      if (line.startsWith('listening ')) resolve(line.slice('listening '.length));
    };
    for (const line of watch.lines) found(line);
    watch.onLine(found);
    void watch.exited.then(({ code, signal }) =>
      reject(new Error(`receiver exited (${code ?? signal}): ${watch.stderr()}`)),
    );
  });
  return { url, child, watch };
}

function delivery(number: number) {
  const body = JSON.stringify(
    examplePayload('issues', 'labeled', (p) => {
      p.label.name = 'sessionhub-auto';
      p.issue.number = number;
    }),
  );
  return { id: randomUUID(), body, signature: signPayload(SECRET, body) };
}

async function post(url: string, d: ReturnType<typeof delivery>): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': d.id,
      'x-hub-signature-256': d.signature,
    },
    body: d.body,
  });
  await res.arrayBuffer();
  return res.status;
}

describe('several receiver processes on one SQLite delivery log', () => {
  it('the same deliveries posted to two processes at once: one job and one session per delivery id', async () => {
    const db = join(dir, 'sessionhub.db');
    // The store creates its schema first (it refuses a non-empty file without it); the processes share the file.
    await (await openSqliteStore({ path: db })).close();
    const [a, b] = await Promise.all([startReceiver(db), startReceiver(db)]);
    const sent = Array.from({ length: ISSUES }, (_, i) => delivery(i + 1));
    // Every delivery goes to both processes twice, all at once.
    const statuses = await Promise.all(sent.map(async (d) => Promise.all([a, b, a, b].map((r) => post(r.url, d)))));
    for (const perDelivery of statuses) {
      expect(perDelivery.filter((s) => s === 202)).toHaveLength(1);
      expect(perDelivery.filter((s) => s === 200)).toHaveLength(3);
    }

    const log = SqliteDeliveryLog.open({ path: db });
    try {
      await vi.waitFor(() => expect(sent.map((d) => log.get(d.id)?.state)).toEqual(sent.map(() => 'done')), {
        timeout: 120_000,
        interval: 250,
      });
    } finally {
      log.close();
    }
    const store = await openSqliteStore({ path: db });
    try {
      const sessions = await store.listSessions();
      expect(sessions).toHaveLength(sent.length);
      const tags = new Set(sessions.flatMap((s) => s.tags.filter((t) => t.startsWith('github:'))));
      expect(tags).toEqual(new Set(sent.map((_, i) => issueTag(REPO, i + 1))));
      expect(sessions.every((s) => s.state === 'succeeded')).toBe(true);
    } finally {
      await store.close();
    }
    // Each issue was told of exactly one session.
    for (let n = 1; n <= ISSUES; n++) {
      const started = (fake.repo(REPO).issues.get(n)?.comments ?? []).filter((c) =>
        c.body.startsWith('SessionHub started session'),
      );
      expect(started).toHaveLength(1);
    }
    for (const r of [a, b]) r.child.stdin?.write('quit\n');
    for (const { watch } of [a, b]) {
      expect(await watch.exited, watch.stderr()).toEqual({ code: 0, signal: null });
      expect(watch.stderr()).not.toMatch(/job .* failed/);
    }
  });

  it('a process started beside a live one takes none of its jobs, and takes them all, once, when it dies', async () => {
    const db = join(dir, 'sessionhub.db');
    await (await openSqliteStore({ path: db })).close();
    // Sessions wait for approval: their jobs stay running, and leased to the first process.
    const first = await startReceiver(db, { leaseMs: 1500, requireApproval: true });
    const sent = Array.from({ length: 6 }, (_, i) => delivery(i + 1));
    for (const d of sent) expect(await post(first.url, d)).toBe(202);
    const store = await openSqliteStore({ path: db });
    try {
      await vi.waitFor(async () => expect(await store.listSessions()).toHaveLength(sent.length), {
        timeout: 60_000,
        interval: 200,
      });
      // A restart overlap: the new process starts while the old one still runs the jobs.
      const second = await startReceiver(db, { leaseMs: 1500, requireApproval: true });
      expect(second.watch.lines).toContain('took 0');
      first.child.kill('SIGKILL');
      await first.watch.exited;
      // Its leases run out; the second process takes every job, once, and resumes the session it had started.
      const resumed = () => second.watch.lines.filter((l) => / resuming session /.test(l));
      await vi.waitFor(() => expect(resumed()).toHaveLength(sent.length), { timeout: 30_000, interval: 200 });
      expect(new Set(resumed().map((l) => l.split(' ')[1]))).toEqual(new Set(sent.map((d) => d.id)));
      expect(await store.listSessions()).toHaveLength(sent.length);
    } finally {
      await store.close();
    }
  });
});
