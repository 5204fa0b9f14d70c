import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeOptionError, FakeScriptError } from '../errors.js';
import { readBody, sleepUnlessClosed } from '../http.js';
import { presentedKey, redactHeaders } from '../request-checks.js';
import { buildCompletion, completionChunks, sseData } from './completion.js';
import { type ChatFault, checkChatFault } from './faults.js';
import { validateChatRequest } from './rules.js';
import { type ChatReply, type ChatScript, firstChatMismatch } from './script.js';
import { type ChatRequestBody, type ChatUsage, chatErrorBody } from './wire.js';

/** Options of {@link startFakeOpenAI}. */
export interface FakeOpenAIOptions {
  /** The conversation to serve; replace it later with `setScript`. */
  script?: ChatScript;
  /** Faults served, in order, before any scripted reply. */
  faults?: ChatFault[];
  /** When set, requests must carry exactly `Authorization: Bearer <apiKey>`; otherwise any non-empty key is accepted. */
  apiKey?: string;
  /** Code points per streamed content or arguments delta, at least 1. Default 24. */
  chunkChars?: number;
}

/** One request the fake received (the key replaced by `[redacted]`). */
export interface ChatRecordedRequest {
  index: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: ChatRequestBody;
  stream: boolean;
  status?: number;
  fault?: ChatFault['kind'];
  turn?: number;
  usage?: ChatUsage;
  /** Whether the client went away before the response ended. */
  aborted: boolean;
}

/** A running fake OpenAI API. */
export interface FakeOpenAI {
  /** Base URL including `/v1`, for `createOpenAI({ baseURL })` or `new OpenAI({ baseURL })`. */
  readonly url: string;
  readonly requests: readonly ChatRecordedRequest[];
  readonly mismatches: readonly {
    requestIndex: number;
    turn: number;
    turnName?: string;
    expected: string;
    received: string;
  }[];
  /** Queues a fault for the next request(s) (`times`, default 1). */
  enqueueFault(fault: ChatFault, times?: number): void;
  /** Replaces the script and rewinds to its first turn. */
  setScript(script: ChatScript): void;
  /** Throws {@link FakeScriptError} on any mismatch, unanswered turn or unserved fault. */
  assertDone(): void;
  close(): Promise<void>;
}

/**
 * Starts a fake OpenAI Chat Completions API on 127.0.0.1: `POST /v1/chat/completions` with JSON or SSE
 * (`stream: true`, usage with `stream_options.include_usage`) replies from a script, tool calls, the real
 * error shape, and faults (rate limits, server errors, cut or malformed streams, stalls). Every request is first
 * checked against `CHAT_REQUEST_RULES`: what the real API refuses with a 400, the fake refuses too.
 *
 * @see docs/testing.md
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const chunkChars = options.chunkChars ?? 24;
  if (!Number.isInteger(chunkChars) || chunkChars < 1)
    throw new FakeOptionError('fake.invalid_option', `chunkChars must be an integer ≥ 1, got ${chunkChars}`);
  for (const f of options.faults ?? []) checkChatFault(f);
  let script: ChatScript = options.script ?? [];
  let cursor = 0;
  const faults: ChatFault[] = [...(options.faults ?? [])];
  const requests: ChatRecordedRequest[] = [];
  const mismatches: FakeOpenAI['mismatches'][number][] = [];
  let counter = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, chatErrorBody('server_error', `fake-openai internal error: ${String(err)}`));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const record: ChatRecordedRequest = {
      index: requests.length,
      method: req.method ?? '',
      path: req.url ?? '',
      headers: redactHeaders(req.headers),
      stream: false,
      aborted: false,
    };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true;
    });
    const fail = (status: number, type: string, message: string, code: string | null = null, headers = {}) => {
      record.status = status;
      send(res, status, chatErrorBody(type, message, code), headers);
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== '/v1/chat/completions')
      return fail(404, 'invalid_request_error', `Unknown request URL: ${req.method} ${path}.`, 'unknown_url');
    const key = presentedKey(req);
    if (!key || (options.apiKey !== undefined && key !== options.apiKey))
      return fail(401, 'invalid_request_error', 'Incorrect API key provided.', 'invalid_api_key');
    let body: ChatRequestBody;
    try {
      body = JSON.parse(raw) as ChatRequestBody;
    } catch {
      return fail(400, 'invalid_request_error', 'We could not parse the JSON body of your request.');
    }
    record.body = body;
    record.stream = body.stream === true;
    const invalid = validateChatRequest(body);
    if (invalid) return fail(400, 'invalid_request_error', invalid);

    const fault = faults.shift();
    if (fault) record.fault = fault.kind;
    if (fault?.kind === 'rate_limit')
      return fail(429, 'requests', 'Rate limit reached for requests (fake-openai).', 'rate_limit_exceeded', {
        'retry-after': String(fault.retryAfterS ?? 1),
        ...(fault.retryAfterMs !== undefined ? { 'retry-after-ms': String(fault.retryAfterMs) } : {}),
        'x-ratelimit-remaining-requests': '0',
      });
    if (fault?.kind === 'server_error')
      return fail(500, 'server_error', 'The server had an error while processing your request.', null, {
        ...(fault.retryAfterMs !== undefined ? { 'retry-after-ms': String(fault.retryAfterMs) } : {}),
      });
    if (fault?.kind === 'error')
      return fail(
        fault.status,
        fault.errorType,
        fault.message ?? `fake-openai: ${fault.errorType}`,
        fault.code ?? null,
      );

    const turnIndex = cursor;
    const turn = script[turnIndex];
    const mismatch = (expected: string, received: string, name?: string) => {
      mismatches.push({
        requestIndex: record.index,
        turn: turnIndex,
        ...(name ? { turnName: name } : {}),
        expected,
        received,
      });
      fail(
        400,
        'invalid_request_error',
        `fake-openai script mismatch at turn ${turnIndex}${name ? ` (${name})` : ''}: expected ${expected}, received ${received}`,
      );
    };
    if (!turn) return mismatch('a scripted turn', 'a request after the script ended');
    const failed = firstChatMismatch(turn, body);
    if (failed) return mismatch(failed.expected, failed.received, turn.name);
    cursor++;
    record.turn = turnIndex;
    const answer: ChatReply = typeof turn.reply === 'function' ? turn.reply(body) : turn.reply;
    if (answer.kind === 'error') return fail(answer.status, answer.errorType, answer.message, answer.code ?? null);
    const completion = buildCompletion(answer, body, `chatcmpl-fake${String(++counter).padStart(6, '0')}`);
    record.usage = completion.usage;
    record.status = 200;
    if (!record.stream) {
      if (fault?.kind === 'malformed') {
        const whole = JSON.stringify(completion);
        return sendRaw(res, 200, 'application/json', whole.slice(0, Math.floor(whole.length / 2)));
      }
      if (fault?.kind === 'stall') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return sleepUnlessClosed(res, fault.maxMs ?? 30_000).then(() => void res.destroy());
      }
      return send(res, 200, completion);
    }
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const chunks = completionChunks(completion, chunkChars, includeUsage);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const cutAt =
      fault?.kind === 'drop_mid_stream' || fault?.kind === 'stall' ? (fault.afterChunks ?? 2) : chunks.length;
    for (const c of chunks.slice(0, cutAt)) {
      if (res.destroyed) return;
      if (!res.write(sseData(c))) await new Promise<void>((ok) => res.once('drain', ok));
    }
    if (fault?.kind === 'drop_mid_stream') return void res.destroy();
    if (fault?.kind === 'stall') return sleepUnlessClosed(res, fault.maxMs ?? 30_000).then(() => void res.destroy());
    if (fault?.kind === 'malformed') return void res.end('data: {"id":"chatcmpl-broken","choices":[{\n\n');
    res.end(sseData('[DONE]'));
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    mismatches,
    enqueueFault(fault, times = 1) {
      checkChatFault(fault);
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    setScript(next) {
      script = next;
      cursor = 0;
    },
    assertDone() {
      const problems = [
        ...mismatches.map(
          (m) => `request ${m.requestIndex} at turn ${m.turn}: expected ${m.expected}, received ${m.received}`,
        ),
        ...(cursor < script.length ? [`${script.length - cursor} scripted turn(s) never requested`] : []),
        ...(faults.length ? [`${faults.length} fault(s) never served`] : []),
      ];
      if (problems.length)
        throw new FakeScriptError(
          cursor < script.length && mismatches.length === 0 ? 'fake.script_unfinished' : 'fake.script_mismatch',
          `fake-openai: ${problems.join('; ')}`,
        );
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_fake_${Date.now()}`, ...headers });
  res.end(JSON.stringify(body));
}

function sendRaw(res: ServerResponse, status: number, contentType: string, text: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType });
  res.end(text);
}
