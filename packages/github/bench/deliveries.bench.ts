/**
 * `npm run bench -w @sessionhub/github`: webhook deliveries through SessionHub's receiver.
 *
 * 1. Throughput over HTTP (node:http, keep-alive, 16 in flight): signature check over the raw bytes, routing
 *    with @octokit/webhooks, and the idempotency record in SQLite (the delivery log in the file of an open
 *    @sessionhub/store-sqlite store, committed before the answer), the job's end recorded. Mixed deliveries:
 *    issues.labeled with the trigger label (a job each), issue comments without a command (recorded, nothing
 *    queued), and redeliveries (answered `duplicate`). Baseline, interleaved in the same run: @octokit/webhooks'
 *    own `createNodeMiddleware` (verify and route, nothing recorded) on the same payloads. Also the receiver with
 *    its log at `synchronous: 'full'` (an fsync per commit).
 * 2. Latency from a delivery's POST to its session being recorded in the store: the issue loop reads the issue
 *    from the fake GitHub API and calls `hub.run` (a real engine on the same SQLite store; sessions wait for
 *    approval so that they cost nothing after that).
 * Last line: one JSON object (see ARCHITECTURE.md, Benchmarks).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, createServer, type RequestListener, request, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeMiddleware, Webhooks } from '@octokit/webhooks';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { startFakeGitHub } from '@sessionhub/testing';
import { createIssueLoop, SqliteDeliveryLog, signPayload, WebhookReceiver } from '../src/index.js';
import { fakeGitHubHost, scriptedHub } from '../test/scripted-hub.js';

const SECRET = 'bench-secret';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PER_ROUND = Number(process.env.BENCH_DELIVERIES ?? 1500);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 60);
// biome-ignore lint/suspicious/noExplicitAny: example payloads are untyped JSON the bench edits.
type Payload = Record<string, any>;
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: Payload[];
}[];
function example(event: string, action: string): Payload {
  const found = examples.find((g) => g.name === event)?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no ${event}.${action} example`);
  return structuredClone(found);
}

interface Delivery {
  event: string;
  id: string;
  body: string;
  signature: string;
}

function deliveries(count: number): Delivery[] {
  const out: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 10 === 9 && out.length > 0) {
      out.push(out[out.length - 1] as Delivery); // a redelivery
      continue;
    }
    const labeled = i % 2 === 0;
    const payload = labeled ? example('issues', 'labeled') : example('issue_comment', 'created');
    if (labeled) {
      payload.label.name = 'sessionhub-auto';
      payload.issue.number = i + 1;
    } else payload.comment.body = `Thanks! (${i})`;
    const body = JSON.stringify(payload);
    out.push({
      event: labeled ? 'issues' : 'issue_comment',
      id: randomUUID(),
      body,
      signature: signPayload(SECRET, body),
    });
  }
  return out;
}

async function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer({ keepAlive: true }, handler);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks` };
}

// The load generator: node:http over keep-alive sockets (fetch's undici and web streams cost the shared process
// about twice the CPU per request, which the receiver measured here would pay).
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, d: Delivery): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(d.body),
          'x-github-event': d.event,
          'x-github-delivery': d.id,
          'x-hub-signature-256': d.signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(d.body);
  });
}

/** Sends every delivery with `concurrency` in flight; returns deliveries per second and the statuses seen. */
async function drive(
  url: string,
  list: Delivery[],
  concurrency = 16,
): Promise<{ perS: number; statuses: Map<number, number> }> {
  const statuses = new Map<number, number>();
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < list.length) {
        const status = await post(url, list[next++] as Delivery);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  return { perS: list.length / ((performance.now() - start) / 1000), statuses };
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const median = (xs: number[]) => pct(xs, 50);

const dir = await mkdtemp(join(tmpdir(), 'sessionhub-github-bench-'));
try {
  // --- 1. throughput ---
  const store = await openSqliteStore({ path: join(dir, 'store.db') });
  let queued = 0;
  /** A receiver whose delivery log (in the store's file) runs at `synchronous`; its jobs only record their end. */
  const receiverAt = async (synchronous: 'normal' | 'full') => {
    const log = SqliteDeliveryLog.open({ path: join(dir, 'store.db'), synchronous });
    const receiver = new WebhookReceiver({
      secret: SECRET,
      deliveries: log,
      concurrency: 64,
      runJob: async (job) => {
        queued++;
        log.finish(job.deliveryId, 'done');
      },
    });
    const { server, url } = await listen(receiver.nodeHandler());
    return {
      url,
      async close() {
        await receiver.idle();
        server.close();
        await receiver.close();
        log.close();
      },
    };
  };
  const ours = await receiverAt('normal');
  const oursFull = await receiverAt('full');
  const webhooks = new Webhooks({ secret: SECRET });
  let routed = 0;
  webhooks.on(['issues.labeled', 'issue_comment.created'], () => {
    routed++;
  });
  const octokit = await listen(createNodeMiddleware(webhooks) as unknown as RequestListener);
  await drive(ours.url, deliveries(200)); // warm-up
  await drive(oursFull.url, deliveries(200));
  await drive(octokit.url, deliveries(200));
  const oursRates: number[] = [];
  const fullRates: number[] = [];
  const baseRates: number[] = [];
  const seen = (r: { perS: number; statuses: Map<number, number> }) =>
    `${r.perS.toFixed(0)}/s ${JSON.stringify(Object.fromEntries(r.statuses))}`;
  for (let round = 0; round < ROUNDS; round++) {
    const list = deliveries(PER_ROUND);
    const a = await drive(ours.url, list);
    const b = await drive(octokit.url, list);
    const c = await drive(oursFull.url, deliveries(PER_ROUND)); // new ids: the same table as `ours`
    oursRates.push(a.perS);
    baseRates.push(b.perS);
    fullRates.push(c.perS);
    console.log(
      `round ${round + 1}: SessionHub receiver ${seen(a)}; @octokit/webhooks middleware ${seen(b)}; SessionHub receiver at synchronous=FULL ${seen(c)}`,
    );
  }
  await ours.close();
  await oursFull.close();
  console.log(`jobs queued ${queued}, deliveries routed by the baseline ${routed}`);
  octokit.server.close();

  // --- 2. delivery to session recorded ---
  const fake = await startFakeGitHub({
    token: 't',
    repos: [
      {
        name: 'Codertocat/Hello-World',
        issues: Array.from({ length: LATENCY_SAMPLES }, (_, i) => ({ title: `Issue ${i + 1}`, body: 'Do it.' })),
      },
    ],
  });
  const log2 = SqliteDeliveryLog.open({ path: join(dir, 'store.db') });
  const workspace = await mkdtemp(join(dir, 'ws-'));
  const sandbox = new ProcessSandboxProvider({ isolation: 'none', allowUnisolated: true });
  const hub = scriptedHub({
    store,
    sandbox,
    workspace,
    policy: { requireApproval: true, concurrency: LATENCY_SAMPLES + 1 },
  });
  const started = new Map<string, () => void>();
  const receiver2 = new WebhookReceiver({
    secret: SECRET,
    deliveries: log2,
    concurrency: LATENCY_SAMPLES + 1,
    runJob: createIssueLoop({
      host: fakeGitHubHost(fake.url),
      hub,
      deliveries: log2,
      repository: dir,
      onProgress: (message, job) => {
        if (message.startsWith('session ')) started.get(job.deliveryId)?.();
      },
    }),
  });
  const server2 = await listen(receiver2.nodeHandler());
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const payload = example('issues', 'labeled');
    payload.label.name = 'sessionhub-auto';
    payload.issue.number = i + 1;
    const body = JSON.stringify(payload);
    const d = { event: 'issues', id: randomUUID(), body, signature: signPayload(SECRET, body) };
    const recorded = new Promise<void>((ok) => started.set(d.id, ok));
    const t0 = performance.now();
    if ((await post(server2.url, d)) !== 202) throw new Error('delivery refused');
    await recorded;
    latencies.push(performance.now() - t0);
  }
  const sessions = await store.listSessions();
  console.log(`sessions recorded: ${sessions.length} (of ${LATENCY_SAMPLES} deliveries)`);
  const metrics = {
    deliveries_per_s: Math.round(median(oursRates)),
    deliveries_synchronous_full_per_s: Math.round(median(fullRates)),
    octokit_middleware_deliveries_per_s: Math.round(median(baseRates)),
    delivery_to_session_recorded_p50_ms: Number(pct(latencies, 50).toFixed(1)),
    delivery_to_session_recorded_p95_ms: Number(pct(latencies, 95).toFixed(1)),
  };
  console.log(
    JSON.stringify({
      bench: '@sessionhub/github/deliveries',
      metrics,
      ratios: {
        vs_octokit_middleware_deliveries_per_s: Number((median(oursRates) / median(baseRates)).toFixed(3)),
        vs_target_500_per_s: Number((median(oursRates) / 500).toFixed(3)),
      },
    }),
  );
  server2.server.close();
  await fake.close();
  await sandbox.close();
} finally {
  await rm(dir, { recursive: true, force: true });
  // Sessions still wait for approval (by design of the measurement): end the process.
  process.exit(0);
}
