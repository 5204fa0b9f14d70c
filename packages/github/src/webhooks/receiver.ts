import type { IncomingMessage, ServerResponse } from 'node:http';
import { GitHostError } from '../errors.js';
import { answer, header, sendAnswer, type WebhookAnswer, type WebhookRequest } from './answer.js';
import type { DeliveryLog } from './delivery-log.js';
import { JobQueue, type JobRunner } from './job-queue.js';
import type { QueuedJob, WebhookJob } from './jobs.js';
import { readLimited, readStreamLimited } from './node-body.js';
import { type TriggerOptions, WebhookRouter } from './route.js';
import { verifySignature } from './signature.js';

export type { WebhookAnswer, WebhookRequest } from './answer.js';

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

/** The bytes as a Buffer, without a copy. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * GitHub webhooks in, queued jobs out. Each request is checked in this order, and nothing is recorded
 * unless every check passes: size (413), `X-Hub-Signature-256` over the raw bytes in constant time (401 when
 * missing or wrong), `X-GitHub-Event` and `X-GitHub-Delivery` (400), JSON (400). Then the delivery is routed
 * (`@octokit/webhooks`), recorded once by its delivery id with the job it asks for (a redelivery answers 200
 * `duplicate` and does nothing), queued, and answered 202 at once: no job runs inside the request. Several
 * receiver processes may share one delivery log: the record is one conditional insert, and the job is leased to
 * the process that made it (see {@link WebhookReceiver.start}).
 *
 * Mount it with {@link WebhookReceiver.nodeHandler} (`http.createServer`), {@link WebhookReceiver.middleware}
 * (Express, Connect) or {@link WebhookReceiver.fetch} (Hono: `app.post('/webhooks', (c) => receiver.fetch(c.req.raw))`).
 */
export class WebhookReceiver {
  private readonly router: WebhookRouter;
  private readonly queue: JobQueue;
  private readonly maxBytes: number;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(private readonly options: WebhookReceiverOptions) {
    if (!options.secret) throw new GitHostError('git_host.invalid_option', 'the webhook secret is empty');
    this.maxBytes = options.maxPayloadBytes ?? GITHUB_MAX_PAYLOAD_BYTES;
    this.router = new WebhookRouter(options);
    this.queue = new JobQueue(options.runJob, options.concurrency ?? 1, options.onJobError ?? (() => {}));
  }

  /**
   * Takes the jobs recorded but not ended that no live process holds (after a restart; with a stable
   * `owner`, its own too) and queues them, then renews this process's leases every third of `leaseMs` and takes
   * the jobs of processes that stopped renewing theirs (the renewal also starts with the first job this receiver
   * leases). Call once at start; {@link WebhookReceiver.close} stops it.
   * @returns how many jobs were taken at start.
   */
  start(): number {
    const taken = this.options.deliveries.take({ own: true });
    for (const job of taken) this.queue.push(job);
    this.beating();
    return taken.length;
  }

  /** Starts the lease renewal if it is not running: at `start()`, and with the first job this receiver leases. */
  private beating(): void {
    if (this.heartbeat || this.closed) return;
    this.heartbeat = setInterval(() => this.beat(), Math.max(10, this.options.deliveries.leaseMs / 3));
    this.heartbeat.unref();
  }

  /** Resolves when every queued job has ended (tests, graceful shutdown). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /**
   * Stops the queue (aborting running jobs) and the lease renewal, and gives this process's leases up, so another
   * receiver process takes the unfinished jobs at once. The delivery log is the caller's to close, after this.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await this.queue.close();
    this.options.deliveries.release();
  }

  /** Renews this process's leases and queues jobs whose owner stopped renewing; a failure waits for the next beat. */
  private beat(): void {
    try {
      this.options.deliveries.renew();
      for (const job of this.options.deliveries.take()) this.queue.push(job);
    } catch {
      // SQLITE_BUSY past the busy timeout, or the log closed before the receiver: tried again next beat.
    }
  }

  /**
   * Records and queues a job that did not come from GitHub (an error report, say) under `deliveryId`; with a `key`,
   * every later one with the same key is a duplicate (one job per key, ever).
   * @returns whether it was new.
   */
  async enqueue(deliveryId: string, event: string, job: WebhookJob, key?: string): Promise<boolean> {
    if (!(await this.options.deliveries.claim(deliveryId, event, job, key))) return false;
    this.queue.push({ deliveryId, job });
    this.beating();
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
      payload = JSON.parse(asBuffer(request.body).toString('utf8'));
    } catch {
      return answer(400, 'body is not JSON');
    }
    if (typeof payload !== 'object' || payload === null) return answer(400, 'body is not a JSON object');
    let job: WebhookJob | undefined;
    try {
      job = await this.router.route({ id, name, payload });
    } catch (error) {
      return answer(400, `cannot route ${name}: ${(error as Error).message}`);
    }
    const action = (payload as { action?: unknown }).action;
    const event = typeof action === 'string' ? `${name}.${action}` : name;
    // One insert records the delivery and leases its job to this process, committed before the answer; any other
    // process (or an earlier request) that recorded the id first makes this a duplicate.
    let fresh: boolean;
    try {
      fresh = await this.options.deliveries.claim(id, event, job ?? null);
    } catch (error) {
      // Nothing was recorded: GitHub shows the failure and the delivery can be sent again.
      if (GitHostError.isInstance(error)) return answer(503, error.message);
      throw error;
    }
    if (!fresh) return answer(200, `delivery ${id} was received before`, { duplicate: true });
    if (!job) return answer(202, 'nothing to do', { jobs: 0 });
    this.queue.push({ deliveryId: id, job });
    this.beating();
    return answer(202, 'queued', { jobs: 1 });
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
    const send = (result: WebhookAnswer) => sendAnswer(res, result);
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
