import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import express from 'express';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type QueuedJob, SqliteDeliveryLog, WebhookReceiver } from '../src/index.js';
import { deliveryHeaders, examplePayload } from './webhook-payloads.js';

const SECRET = 'It’s a Secret to Everybody';
let dir: string;
const servers: Server[] = [];
const logs: SqliteDeliveryLog[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessionhub-webhooks-'));
});
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((ok) => s.close(ok));
  for (const l of logs.splice(0)) l.close();
  await rm(dir, { recursive: true, force: true });
});

function receiver(
  options: {
    runJob?: (job: QueuedJob) => Promise<void>;
    maxPayloadBytes?: number;
    log?: { owner?: string; leaseMs?: number; busyTimeoutMs?: number };
  } = {},
) {
  const log = SqliteDeliveryLog.open({ path: join(dir, 'deliveries.db'), ...options.log });
  logs.push(log);
  const jobs: QueuedJob[] = [];
  const r = new WebhookReceiver({
    secret: SECRET,
    deliveries: log,
    runJob: async (job) => {
      jobs.push(job);
      await options.runJob?.(job);
      log.finish(job.deliveryId, 'done');
    },
    ...(options.maxPayloadBytes ? { maxPayloadBytes: options.maxPayloadBytes } : {}),
  });
  return { r, log, jobs };
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function labeled(label = 'sessionhub-auto') {
  return JSON.stringify(examplePayload('issues', 'labeled', (p) => (p.label.name = label)));
}

/** `secret: null` sends no signature at all. */
async function post(url: string, event: string, id: string, body: string, secret: string | null = SECRET) {
  const res = await fetch(url, {
    method: 'POST',
    headers: deliveryHeaders(event, id, body, secret ?? undefined),
    body,
  });
  return { status: res.status, body: (await res.json()) as { duplicate?: boolean; jobs?: number } };
}

describe('WebhookReceiver over node:http with real @octokit/webhooks-examples payloads', () => {
  it('queues a session for the trigger label, answers 202, and a redelivery does nothing', async () => {
    const { r, log, jobs } = receiver();
    const url = await listen(r.nodeHandler());
    const id = randomUUID();
    expect(await post(url, 'issues', id, labeled())).toEqual({
      status: 202,
      body: expect.objectContaining({ jobs: 1 }),
    });
    await r.idle();
    expect(jobs).toEqual([
      {
        deliveryId: id,
        job: { kind: 'issue', repo: 'Codertocat/Hello-World', number: 1, sender: 'Codertocat', via: 'label' },
      },
    ]);
    expect(await post(url, 'issues', id, labeled())).toEqual({
      status: 200,
      body: expect.objectContaining({ duplicate: true }),
    });
    await r.idle();
    expect(jobs).toHaveLength(1);
    expect(log.get(id)).toMatchObject({ event: 'issues.labeled', state: 'done' });
  });

  it('remembers deliveries across a restart, and a restart under the same owner takes its unfinished jobs back at once', async () => {
    const first = receiver({ runJob: () => new Promise(() => {}), log: { owner: 'receiver-1' } });
    const url = await listen(first.r.nodeHandler());
    const id = randomUUID();
    expect((await post(url, 'issues', id, labeled())).status).toBe(202);
    first.log.close(); // the process dies: its lease is not given up
    // A new process: a new log over the same file, a new receiver.
    const second = receiver({ log: { owner: 'receiver-1' } });
    const url2 = await listen(second.r.nodeHandler());
    expect(second.r.start()).toBe(1);
    await second.r.idle();
    expect(second.jobs.map((j) => j.deliveryId)).toEqual([id]);
    expect((await post(url2, 'issues', id, labeled())).body.duplicate).toBe(true);
    expect(second.r.start()).toBe(0);
    await second.r.close();
  });

  it('a job of a process that died is taken by another live process once its lease runs out, and by one only', async () => {
    const dead = receiver({ runJob: () => new Promise(() => {}), log: { leaseMs: 300 } });
    const id = randomUUID();
    const body = labeled();
    expect(
      (await dead.r.receive({ headers: deliveryHeaders('issues', id, body, SECRET), body: Buffer.from(body) })).status,
    ).toBe(202);
    dead.log.close(); // killed: no release
    const taken: string[] = [];
    const live = [0, 1].map((n) =>
      receiver({
        log: { leaseMs: 300 },
        runJob: async (job) => {
          taken.push(`${n}:${job.deliveryId}`);
        },
      }),
    );
    for (const { r } of live) expect(r.start()).toBe(0); // still leased to the dead process
    await vi.waitFor(() => expect(taken).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect(taken[0]).toMatch(new RegExp(`^[01]:${id}$`));
    for (const { r } of live) await r.close();
    expect(live[0]?.log.get(id)).toMatchObject({ state: 'done' });
    expect(taken).toHaveLength(1);
  });

  it('a receiver renews the leases of the jobs it took even if start() was never called', async () => {
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    const busy = receiver({ runJob: () => held, log: { leaseMs: 500 } });
    const id = randomUUID();
    const body = labeled();
    await busy.r.receive({ headers: deliveryHeaders('issues', id, body, SECRET), body: Buffer.from(body) });
    const other = SqliteDeliveryLog.open({ path: join(dir, 'deliveries.db'), leaseMs: 500 });
    logs.push(other);
    // Several lease periods later, the job is still held: nobody else may take it.
    await new Promise((ok) => setTimeout(ok, 2_000));
    expect(other.take()).toEqual([]);
    release();
    await busy.r.idle();
    expect(other.get(id)).toMatchObject({ state: 'done' });
    await busy.r.close();
  });

  it('a process that shuts down gives its leases up: another takes the unfinished job at once', async () => {
    const log = SqliteDeliveryLog.open({ path: join(dir, 'deliveries.db') });
    logs.push(log);
    // A job still running at shutdown: aborted, not finished.
    const leaving = new WebhookReceiver({
      secret: SECRET,
      deliveries: log,
      runJob: (_job, { signal }) => new Promise((ok) => signal.addEventListener('abort', () => ok())),
    });
    const id = randomUUID();
    const body = labeled();
    await leaving.receive({ headers: deliveryHeaders('issues', id, body, SECRET), body: Buffer.from(body) });
    const staying = receiver();
    expect(staying.r.start()).toBe(0);
    expect(log.get(id)?.owner).toBe(log.owner);
    await leaving.close();
    expect(log.get(id)).toMatchObject({ state: 'queued' });
    expect(log.get(id)?.owner).toBeUndefined();
    expect(staying.r.start()).toBe(1);
    await staying.r.idle();
    expect(staying.jobs.map((j) => j.deliveryId)).toEqual([id]);
    await staying.r.close();
  });

  it('answers 503 and records nothing while the delivery log cannot write; the redelivery then succeeds', async () => {
    const { r, log } = receiver({ log: { busyTimeoutMs: 50 } });
    const url = await listen(r.nodeHandler());
    const other = new DatabaseSync(join(dir, 'deliveries.db'));
    try {
      other.exec('BEGIN IMMEDIATE'); // another process holds the write lock past the busy timeout
      const id = randomUUID();
      const refused = await post(url, 'issues', id, labeled());
      expect(refused.status).toBe(503);
      other.exec('ROLLBACK');
      expect(log.get(id)).toBeUndefined();
      expect((await post(url, 'issues', id, labeled())).status).toBe(202);
    } finally {
      other.close();
    }
  });

  it('the same delivery received twice at once is routed right both times: one job, one duplicate', async () => {
    const { r, log, jobs } = receiver();
    const id = randomUUID();
    const body = labeled();
    const request = { headers: deliveryHeaders('issues', id, body, SECRET), body: Buffer.from(body) };
    const answers = await Promise.all([r.receive(request), r.receive(request)]);
    expect(answers.map((a) => [a.status, a.body.jobs ?? a.body.duplicate]).sort()).toEqual([
      [200, true],
      [202, 1],
    ]);
    await r.idle();
    expect(jobs.map((j) => j.deliveryId)).toEqual([id]);
    expect(log.get(id)).toMatchObject({ event: 'issues.labeled', state: 'done' });
  });

  it('refuses a missing or wrong signature with 401 and records nothing', async () => {
    const { r, log, jobs } = receiver();
    const url = await listen(r.nodeHandler());
    const body = labeled();
    const unsigned = randomUUID();
    const forged = randomUUID();
    const tampered = randomUUID();
    expect((await post(url, 'issues', unsigned, body, null)).status).toBe(401);
    expect((await post(url, 'issues', forged, body, 'not the secret')).status).toBe(401);
    const res = await fetch(url, {
      method: 'POST',
      headers: deliveryHeaders('issues', tampered, body, SECRET),
      body: body.replace('Hello-World', 'Hello-Worle'),
    });
    expect(res.status).toBe(401);
    await r.idle();
    expect(jobs).toEqual([]);
    for (const id of [unsigned, forged, tampered]) expect(log.get(id)).toBeUndefined();
  });

  it('answers 400 to malformed JSON and 413 to a body over the limit, recording nothing', async () => {
    const { r, log } = receiver({ maxPayloadBytes: 64 * 1024 });
    const url = await listen(r.nodeHandler());
    const bad = randomUUID();
    expect((await post(url, 'issues', bad, '{"action": "labeled",')).status).toBe(400);
    const big = randomUUID();
    const huge = JSON.stringify({ ...JSON.parse(labeled()), padding: 'x'.repeat(100 * 1024) });
    expect((await post(url, 'issues', big, huge)).status).toBe(413);
    expect(log.get(bad)).toBeUndefined();
    expect(log.get(big)).toBeUndefined();
  });

  it('starts nothing for another label, and records the delivery once', async () => {
    const { r, log, jobs } = receiver();
    const url = await listen(r.nodeHandler());
    const id = randomUUID();
    expect(await post(url, 'issues', id, labeled('bug'))).toEqual({
      status: 202,
      body: expect.objectContaining({ jobs: 0 }),
    });
    expect(log.get(id)).toMatchObject({ state: 'ignored' });
    expect((await post(url, 'issues', id, labeled('bug'))).body.duplicate).toBe(true);
    expect(jobs).toEqual([]);
  });

  it('answers GitHub’s ping (sent when the webhook is created) with 202 and no job', async () => {
    const { r, jobs } = receiver();
    const url = await listen(r.nodeHandler());
    const ping = JSON.stringify({
      zen: 'Keep it logically awesome.',
      hook_id: 1,
      hook: { type: 'Repository', events: ['issues'] },
    });
    expect(await post(url, 'ping', randomUUID(), ping)).toEqual({
      status: 202,
      body: expect.objectContaining({ jobs: 0 }),
    });
    await r.idle();
    expect(jobs).toEqual([]);
  });

  it('routes comment commands, and never a bot’s comment', async () => {
    const { r, jobs } = receiver();
    const url = await listen(r.nodeHandler());
    const comment = (text: string, type = 'User') =>
      JSON.stringify(
        examplePayload('issue_comment', 'created', (p) => {
          p.comment.body = text;
          p.comment.user.type = type;
        }),
      );
    await post(url, 'issue_comment', randomUUID(), comment('Please do this.\n/sessionhub run'));
    await post(url, 'issue_comment', randomUUID(), comment('/sessionhub approve'));
    await post(url, 'issue_comment', randomUUID(), comment('/sessionhub rate 4 tidy work'));
    await post(url, 'issue_comment', randomUUID(), comment('/sessionhub run', 'Bot'));
    await post(url, 'issue_comment', randomUUID(), comment('I think /sessionhub run would help'));
    await r.idle();
    expect(jobs.map((j) => j.job)).toEqual([
      expect.objectContaining({ kind: 'issue', via: 'command', repo: 'Codertocat/Hello-World', number: 1 }),
      expect.objectContaining({ kind: 'approve' }),
      expect.objectContaining({ kind: 'rate', rating: 4, note: 'tidy work' }),
    ]);
  });

  it('answers before the job runs to its end (the request is never held)', async () => {
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    const { r, jobs, log } = receiver({ runJob: () => held });
    const url = await listen(r.nodeHandler());
    const id = randomUUID();
    expect((await post(url, 'issues', id, labeled())).status).toBe(202);
    expect(jobs).toHaveLength(1);
    expect(log.get(id)?.state).toBe('queued');
    release();
    await r.idle();
    expect(log.get(id)?.state).toBe('done');
  });

  it('works as Express middleware (raw body) and as a Hono fetch handler', async () => {
    const { r, jobs } = receiver();
    const app = express();
    app.post('/webhooks', express.raw({ type: 'application/json', limit: '25mb' }), r.middleware());
    const expressUrl = `${await listen(app)}webhooks`;
    const hono = new Hono();
    hono.post('/webhooks', (c) => r.fetch(c.req.raw));
    const one = randomUUID();
    const two = randomUUID();
    expect((await post(expressUrl, 'issues', one, labeled())).status).toBe(202);
    const body = labeled();
    const res = await hono.request('/webhooks', {
      method: 'POST',
      headers: deliveryHeaders('issues', two, body, SECRET),
      body,
    });
    expect(res.status).toBe(202);
    const forged = await hono.request('/webhooks', {
      method: 'POST',
      headers: deliveryHeaders('issues', randomUUID(), body, 'x'),
      body,
    });
    expect(forged.status).toBe(401);
    await r.idle();
    expect(jobs.map((j) => j.deliveryId)).toEqual([one, two]);
  });
});
