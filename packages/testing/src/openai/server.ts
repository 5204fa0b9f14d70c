import type { IncomingMessage, ServerResponse } from 'node:http';
import { sleepUnlessClosed } from '../http.js';
import { presentedKey } from '../request-checks.js';
import type { FakeServerOptions, RecordedBase, ScriptedFake } from '../scripted-fake.js';
import { Conversation, checkServerOptions, listenLoopback, parseJsonObject, recordRequest } from '../scripted-fake.js';
import { buildCompletion, completionChunks, sseData } from './completion.js';
import { type ChatFault, checkChatFault } from './faults.js';
import { validateChatRequest } from './rules.js';
import type { ChatReply, ChatScript, ChatScriptTurn } from './script.js';
import { type ChatRequestBody, type ChatUsage, chatErrorBody } from './wire.js';

/** Options of {@link startFakeOpenAI}; `chunkChars` counts the code points of a streamed content or arguments delta. */
export interface FakeOpenAIOptions extends FakeServerOptions {
  /** The conversation to serve; replace it later with `setScript`. */
  script?: ChatScript;
  /** Faults served, in order, before any scripted reply. */
  faults?: ChatFault[];
  /** When set, requests must carry exactly `Authorization: Bearer <apiKey>`; otherwise any non-empty key is accepted. */
  apiKey?: string;
}

/** One request the fake received (the key replaced by `[redacted]`). */
export interface ChatRecordedRequest extends RecordedBase {
  /** The parsed JSON body, when it was JSON. */
  body?: ChatRequestBody;
  /** The fault served, if any. */
  fault?: ChatFault['kind'];
  /** Index of the scripted turn answered, if any. */
  turn?: number;
  usage?: ChatUsage;
}

/** A running fake OpenAI API. */
export interface FakeOpenAI extends ScriptedFake<ChatScript, ChatFault> {
  /** Base URL including `/v1`, for `createOpenAI({ baseURL })` or `new OpenAI({ baseURL })`. */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: readonly ChatRecordedRequest[];
}

/**
 * Starts a fake OpenAI Chat Completions API on 127.0.0.1 (a free port unless `port` is given):
 * `POST /v1/chat/completions` with JSON or SSE (`stream: true`, usage with `stream_options.include_usage`) replies
 * from a script, tool calls, the real error shape, and faults (rate limits, server errors, cut or malformed streams,
 * stalls). Every request is first
 * checked against `CHAT_REQUEST_RULES`: what the real API refuses with a 400, the fake refuses too.
 * Throws `FakeOptionError` for options it cannot honour (`chunkChars` below 1, a bad port, an invalid fault).
 *
 * @see docs/testing.md
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const { chunkChars, port: listenPort } = checkServerOptions(options);
  const conversation = new Conversation<ChatScriptTurn, ChatRequestBody, ChatFault>(
    'fake-openai',
    options,
    checkChatFault,
  );
  const requests: ChatRecordedRequest[] = [];
  let counter = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { record, raw } = await recordRequest(req, res, requests, {});
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
    const body = parseJsonObject<ChatRequestBody>(raw);
    if (!body) return fail(400, 'invalid_request_error', 'We could not parse the JSON body of your request.');
    record.body = body;
    record.stream = body.stream === true;
    const invalid = validateChatRequest(body);
    if (invalid) return fail(400, 'invalid_request_error', invalid);

    const fault = conversation.nextFault();
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

    const taken = conversation.take(record.index, body);
    if ('mismatch' in taken) return fail(400, 'invalid_request_error', taken.message);
    const { turn, index: turnIndex } = taken;
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

  const server = await listenLoopback(listenPort, handle, (res, err) =>
    send(res, 500, chatErrorBody('server_error', `fake-openai internal error: ${String(err)}`)),
  );
  return {
    url: `http://127.0.0.1:${server.port}/v1`,
    port: server.port,
    requests,
    mismatches: conversation.mismatches,
    enqueueFault: (fault, times) => conversation.enqueueFault(fault, times),
    setScript: (next) => conversation.setScript(next),
    assertDone: () => conversation.assertDone(),
    close: () => server.close(),
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
