import { chmod, rm } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type ProxyTokenUsage, UsageTap } from './usage-tap.js';

/** Options of {@link ModelProxy.start}. */
export interface ModelProxyOptions {
  /** Unix socket path to listen on (inside the workspace, so the sandbox can reach it). */
  socketPath: string;
  /** Base URL of the Messages API the proxy forwards to; default `https://api.anthropic.com`. */
  upstream?: string;
  /** Sent upstream as `x-api-key`. */
  apiKey?: string;
  /** Sent upstream as `Authorization: Bearer ...` (when no `apiKey`). */
  authToken?: string;
  /** Largest request body accepted, in bytes; default 16 MiB. Larger: 413. */
  maxRequestBytes?: number;
  /** Most requests per rolling minute; default 120. Past it: 429 with `retry-after`. */
  maxRequestsPerMinute?: number;
}

/** What the proxy saw: forwarded requests, refusals, bytes and tokens. */
export interface ModelProxyUsage extends ProxyTokenUsage {
  requests: number;
  refused: number;
  requestBytes: number;
  responseBytes: number;
}

/** One refused request. */
export interface ModelProxyRefusal {
  method: string;
  target: string;
  status: number;
  reason: string;
}

/** The Messages API paths the proxy forwards; nothing else. */
const ALLOWED_PATHS = new Set(['/v1/messages', '/v1/messages/count_tokens']);
/** Request headers passed upstream; every other one (credentials above all) is dropped. */
const FORWARDED_HEADERS = ['content-type', 'accept', 'anthropic-version', 'anthropic-beta', 'user-agent'];

/**
 * The way out of a sandbox to the model: an HTTP server on a unix socket that forwards only Messages API
 * requests (`POST /v1/messages`, `.../count_tokens`, query `beta=true` at most) to one configured base URL and
 * adds the credentials itself, so the key never enters the sandbox. It refuses every other method, path,
 * absolute-form or CONNECT target (403), bodies over the cap (413) and requests past the rate (429), answering
 * in the Messages API's error shape, and records requests, refusals, bytes and token usage.
 */
export class ModelProxy {
  readonly usage: ModelProxyUsage = {
    requests: 0,
    refused: 0,
    requestBytes: 0,
    responseBytes: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
  };
  readonly refusals: ModelProxyRefusal[] = [];
  private readonly recent: number[] = [];
  private readonly upstream: URL;

  private constructor(
    private readonly server: Server,
    private readonly options: ModelProxyOptions,
  ) {
    this.upstream = new URL(options.upstream ?? 'https://api.anthropic.com');
  }

  /** Starts listening on `socketPath` (mode 0666: the sandbox user must be able to connect). */
  static async start(options: ModelProxyOptions): Promise<ModelProxy> {
    let proxy: ModelProxy | undefined;
    const server = createServer((req, res) => proxy?.handle(req, res));
    // CONNECT never reaches the request handler: refuse it on the socket.
    server.on('connect', (_req, socket) => {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
    });
    proxy = new ModelProxy(server, options);
    await rm(options.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.socketPath, () => resolve());
    });
    await chmod(options.socketPath, 0o666);
    return proxy;
  }

  /** Stops listening, ends open connections and removes the socket file. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.options.socketPath, { force: true });
  }

  private refuse(req: IncomingMessage, res: ServerResponse, status: number, type: string, reason: string): void {
    this.usage.refused++;
    this.refusals.push({ method: req.method ?? '', target: (req.url ?? '').slice(0, 200), status, reason });
    const body = JSON.stringify({ type: 'error', error: { type, message: `SessionHub model proxy: ${reason}` } });
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...(status === 429 ? { 'retry-after': '5' } : {}),
    });
    res.end(body);
    req.resume();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '';
    if (!target.startsWith('/')) {
      this.refuse(req, res, 403, 'permission_error', 'only Messages API paths on the configured base URL');
      return;
    }
    const url = new URL(target, 'http://proxy.invalid');
    const query = url.search === '' || url.search === '?beta=true';
    if (req.method !== 'POST' || !ALLOWED_PATHS.has(url.pathname) || !query) {
      this.refuse(req, res, 403, 'permission_error', `${req.method} ${url.pathname} is not a Messages API request`);
      return;
    }
    const now = Date.now();
    while (this.recent.length > 0 && (this.recent[0] ?? 0) <= now - 60_000) this.recent.shift();
    if (this.recent.length >= (this.options.maxRequestsPerMinute ?? 120)) {
      this.refuse(req, res, 429, 'rate_limit_error', 'request rate cap reached');
      return;
    }
    this.recent.push(now);
    const max = this.options.maxRequestBytes ?? 16 * 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) this.refuse(req, res, 413, 'request_too_large', `request body over ${max} bytes`);
      else this.forward(req, res, url, Buffer.concat(chunks));
    });
    req.on('error', () => res.destroy());
  }

  private forward(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): void {
    this.usage.requests++;
    this.usage.requestBytes += body.length;
    const headers: Record<string, string> = { 'content-length': String(body.length), 'accept-encoding': 'identity' };
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (this.options.apiKey) headers['x-api-key'] = this.options.apiKey;
    else if (this.options.authToken) headers.authorization = `Bearer ${this.options.authToken}`;
    const base = this.upstream.pathname.replace(/\/$/, '');
    const send = this.upstream.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send(
      {
        protocol: this.upstream.protocol,
        hostname: this.upstream.hostname,
        port: this.upstream.port || undefined,
        method: 'POST',
        path: `${base}${url.pathname}${url.search}`,
        headers,
      },
      (answer) => {
        const type = String(answer.headers['content-type'] ?? '');
        const tap = new UsageTap(type.includes('text/event-stream'));
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && name !== 'connection' && name !== 'transfer-encoding') out[name] = value;
        }
        res.writeHead(answer.statusCode ?? 502, out);
        answer.on('data', (chunk: Buffer) => {
          this.usage.responseBytes += chunk.length;
          tap.write(chunk);
          res.write(chunk);
        });
        answer.on('end', () => {
          tap.end(this.usage);
          res.end();
        });
        answer.on('error', () => res.destroy());
      },
    );
    // An upstream that cannot be reached or drops the connection: the client sees its connection cut, as it
    // would without the proxy, and classifies and retries it the same way.
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    upstream.end(body);
  }
}
