import type { IncomingMessage, ServerResponse } from 'node:http';
import { GitHostError } from '../errors.js';
import type { DeliveryLog } from './delivery-log.js';
import { JobQueue, type JobRunner } from './job-queue.js';
import type { QueuedJob, WebhookJob } from './jobs.js';
import { readLimited, readStreamLimited } from './node-body.js';
import { type TriggerOptions, WebhookRouter } from './route.js';
import { verifySignature } from './signature.js';

/** GitHub's cap on a webhook payload: 25 MB. */
export const GITHUB_MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

/** Options of {@link WebhookReceiver}. */
export interface WebhookReceiverOptions extends TriggerOptions {
  /** The webhook secret set on GitHub. */
  secret: string;
  /** Where deliveries are recorded (idempotency across restarts). */
  deliveries: DeliveryLog;
  /** Does a job, in the background. */
  runJob: JobRunner;
  /** Jobs run at once. Default 1. */
  concurrency?: number;
  /** Larger bodies are refused with 413. Default {@link GITHUB_MAX_PAYLOAD_BYTES}. */
  maxPayloadBytes?: number;
  /** Told about a job that threw. Default: ignored (the delivery log holds the job's state). */
  onJobError?: (error: unknown, job: QueuedJob) => void;
}

/** The receiver's answer to one request. */
export interface WebhookAnswer {
  status: number;
  body: { ok: boolean; message: string; jobs?: number; duplicate?: boolean };
}

/** A webhook request, transport-free: lower-case header names, the raw body bytes. */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const answer = (status: number, message: string, extra: Partial<WebhookAnswer['body']> = {}): WebhookAnswer => ({
  status,
  body: { ok: status < 300, message, ...extra },
});

/**
 * GitHub webhooks in, queued jobs out. Each request is checked in this order, and nothing is recorded
 * unless every check passes: size (413), `X-Hub-Signature-256` over the raw bytes in constant time (401 when
 * missing or wrong), `X-GitHub-Event` and `X-GitHub-Delivery` (400), JSON (400). Then the delivery is routed
 * (`@octokit/webhooks`), recorded once by its delivery id with the job it asks for (a redelivery answers 200
 * `duplicate` and does nothing), queued, and answered 202 at once: no job runs inside the request.
 *
 * Mount it with {@link WebhookReceiver.nodeHandler} (`http.createServer`), {@link WebhookReceiver.middleware}
 * (Express, Connect) or {@link WebhookReceiver.fetch} (Hono: `app.post('/webhooks', (c) => receiver.fetch(c.req.raw))`).
 */
export class WebhookReceiver {
  private readonly router: WebhookRouter;
  private readonly queue: JobQueue;
  private readonly maxBytes: number;

  constructor(private readonly options: WebhookReceiverOptions) {
    if (!options.secret) throw new GitHostError('git_host.invalid_option', 'the webhook secret is empty');
    this.maxBytes = options.maxPayloadBytes ?? GITHUB_MAX_PAYLOAD_BYTES;
    this.router = new WebhookRouter(options);
    this.queue = new JobQueue(options.runJob, options.concurrency ?? 1, options.onJobError ?? (() => {}));
  }

  /** Queues again every job recorded but not ended (after a restart). Call once at start. */
  start(): number {
    const pending = this.options.deliveries.pending();
    for (const job of pending) this.queue.push(job);
    return pending.length;
  }

  /** Resolves when every queued job has ended (tests, graceful shutdown). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Stops the queue (aborting running jobs). The delivery log is the caller's to close. */
  close(): Promise<void> {
    return this.queue.close();
  }

  /**
   * Records and queues a job that did not come from GitHub (an error report, say) under `deliveryId`; with a `key`,
   * a second one with the same key is a duplicate while the first is queued.
   * @returns whether it was new.
   */
  enqueue(deliveryId: string, event: string, job: WebhookJob, key?: string): boolean {
    if (!this.options.deliveries.claim(deliveryId, event, job, key)) return false;
    this.queue.push({ deliveryId, job });
    return true;
  }

  /** Handles one request (transport-free). */
  async receive(request: WebhookRequest): Promise<WebhookAnswer> {
    if (request.body.byteLength > this.maxBytes) return answer(413, `payload over ${this.maxBytes} bytes`);
    const signature = header(request.headers, 'x-hub-signature-256');
    if (!signature) return answer(401, 'missing X-Hub-Signature-256');
    if (!verifySignature(this.options.secret, request.body, signature)) return answer(401, 'signature does not match');
    const name = header(request.headers, 'x-github-event');
    const id = header(request.headers, 'x-github-delivery');
    if (!name || !id || id.length > 200) return answer(400, 'missing X-GitHub-Event or X-GitHub-Delivery');
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(request.body).toString('utf8'));
    } catch {
      return answer(400, 'body is not JSON');
    }
    if (typeof payload !== 'object' || payload === null) return answer(400, 'body is not a JSON object');
    let jobs: WebhookJob[];
    try {
      jobs = await this.router.route({ id, name, payload });
    } catch (error) {
      return answer(400, `cannot route ${name}: ${(error as Error).message}`);
    }
    const action = (payload as { action?: unknown }).action;
    const event = typeof action === 'string' ? `${name}.${action}` : name;
    // One delivery carries at most one job here (a label or one command); extra jobs get derived ids.
    let fresh = false;
    if (jobs.length === 0) fresh = this.options.deliveries.claim(id, event, null);
    jobs.forEach((job, i) => {
      const deliveryId = i === 0 ? id : `${id}#${i}`;
      if (this.options.deliveries.claim(deliveryId, event, job)) {
        fresh = true;
        this.queue.push({ deliveryId, job });
      }
    });
    if (!fresh) return answer(200, `delivery ${id} was received before`, { duplicate: true });
    return answer(202, jobs.length > 0 ? 'queued' : 'nothing to do', { jobs: jobs.length });
  }

  /** A `node:http` request handler. */
  nodeHandler(): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      this.handleNode(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    };
  }

  /**
   * Express/Connect-style middleware. Takes the raw body from `req.body` when a parser left a `Buffer` there
   * (`express.raw({ type: 'application/json', limit: '25mb' })`), else reads the stream itself.
   */
  middleware(): (
    req: IncomingMessage & { body?: unknown },
    res: ServerResponse,
    next: (error?: unknown) => void,
  ) => void {
    return (req, res, next) => {
      this.handleNode(req, res).catch(next);
    };
  }

  /** A fetch-API handler (Hono, Bun, Deno, workers): `Request` in, `Response` out. */
  async fetch(request: Request): Promise<Response> {
    const tooLarge = () => Response.json(answer(413, `payload over ${this.maxBytes} bytes`).body, { status: 413 });
    if (Number(request.headers.get('content-length') ?? 0) > this.maxBytes) return tooLarge();
    const body = await readStreamLimited(request, this.maxBytes);
    if (!body) return tooLarge();
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const result = await this.receive({ headers, body });
    return Response.json(result.body, { status: result.status });
  }

  private async handleNode(req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void> {
    const send = (result: WebhookAnswer) => {
      res.writeHead(result.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result.body));
    };
    if (req.method !== 'POST') return send(answer(405, 'POST only'));
    let body: Uint8Array;
    if (Buffer.isBuffer(req.body)) body = req.body;
    else {
      const read = await readLimited(req, this.maxBytes);
      if (!read) {
        res.setHeader('connection', 'close');
        return send(answer(413, `payload over ${this.maxBytes} bytes`));
      }
      body = read;
    }
    send(await this.receive({ headers: req.headers, body }));
  }
}
