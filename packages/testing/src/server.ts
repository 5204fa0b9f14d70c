import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CacheOptions, type InputUsage, PromptCache, uncachedUsage } from './cache.js';
import { checkFault, type Fault, type FaultKind } from './faults.js';
import { sendError, sendJson, sendRaw, sleepUnlessClosed, sseHeaders, writeStream } from './http.js';
import { limitOutput } from './output-limit.js';
import { presentedKey } from './request-checks.js';
import { validateRequest } from './request-rules.js';
import type { MessageReply, Reply, Script, ScriptTurn } from './script.js';
import type { FakeServerOptions, RecordedBase, ScriptedFake } from './scripted-fake.js';
import { Conversation, checkServerOptions, listenLoopback, parseJsonObject, recordRequest } from './scripted-fake.js';
import { encodeSse, messageEvents, type WireMessageResponse } from './sse.js';
import { errorBody, errorStatus, type MessagesRequestBody, type WireErrorType, type WireUsage } from './wire.js';

/** Options of {@link startFakeAnthropic}; `chunkChars` counts the code points of a `text_delta` / `input_json_delta`. */
export interface FakeAnthropicOptions extends FakeServerOptions {
  /** The conversation to serve; replace it later with `setScript`. */
  script?: Script;
  /** Faults served, in order, before any scripted reply. */
  faults?: Fault[];
  /** When set, requests must carry exactly this key (`x-api-key` or `Authorization: Bearer`). Otherwise any non-empty key is accepted. */
  apiKey?: string;
  /** Prompt-cache simulation; `false` turns it off (no cache reads or writes ever). */
  cache?: CacheOptions | false;
  /** Clock for cache TTLs, in milliseconds. */
  now?: () => number;
}

/** One request the fake received. API keys are replaced by `[redacted]`. */
export interface RecordedRequest extends RecordedBase {
  /** The parsed JSON body, when it was JSON. */
  body?: MessagesRequestBody;
  /** The SDK's `x-stainless-retry-count`, when sent. */
  retryCount?: number;
  /** The fault served, if any. */
  fault?: FaultKind;
  /** Index of the scripted turn answered, if any. */
  turn?: number;
  usage?: WireUsage;
  /** `performance.now()` when the request arrived and when its response ended (for benchmarks, never for assertions). */
  receivedAt: number;
  endedAt?: number;
}

/** A running fake Messages API (a fault that cannot be served is e.g. an `error` below 400). */
export interface FakeAnthropic extends ScriptedFake<Script, Fault> {
  /** Base URL for the SDK's `baseURL`, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** The prompt cache, or `undefined` when caching is off. */
  readonly cache: PromptCache | undefined;
}

/**
 * Starts a fake Anthropic Messages API on 127.0.0.1 (a free port unless `port` is given): `POST /v1/messages`
 * with JSON or SSE replies from a script, real error shapes, prompt-cache accounting and fault injection.
 * Every request is first checked against `REQUEST_RULES`: what the real API refuses, the fake refuses too.
 * Throws `FakeOptionError` for options it cannot honour (`chunkChars` below 1, a bad port, an invalid fault).
 *
 * @see docs/testing.md
 */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const { chunkChars, port: listenPort } = checkServerOptions(options);
  const conversation = new Conversation<ScriptTurn, MessagesRequestBody, Fault>('fake-anthropic', options, checkFault);
  const requests: RecordedRequest[] = [];
  const cache = options.cache === false ? undefined : new PromptCache(options.cache ?? {}, options.now ?? Date.now);
  const stalls = new Set<ServerResponse>();
  let messageCounter = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { record, raw } = await recordRequest(req, res, requests, { receivedAt: performance.now() });
    const retry = Number(req.headers['x-stainless-retry-count']);
    if (Number.isFinite(retry)) record.retryCount = retry;
    res.on('finish', () => {
      record.endedAt = performance.now();
    });
    const answerError = (status: number, type: WireErrorType | string, message: string, headers = {}): void => {
      record.status = status;
      sendError(res, status, type, message, headers);
    };

    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== '/v1/messages') {
      return answerError(
        404,
        'not_found_error',
        `fake-anthropic serves only POST /v1/messages, not ${req.method} ${path}`,
      );
    }
    const body = parseJsonObject<MessagesRequestBody>(raw);
    if (!body) return answerError(400, 'invalid_request_error', 'request body is not valid JSON');
    record.body = body;
    record.stream = body.stream === true;
    if (!req.headers['anthropic-version']) {
      return answerError(400, 'invalid_request_error', 'anthropic-version: header is required');
    }
    const key = presentedKey(req);
    if (!key) return answerError(401, 'authentication_error', 'x-api-key header is required');
    if (options.apiKey !== undefined && key !== options.apiKey) {
      return answerError(401, 'authentication_error', 'invalid x-api-key');
    }
    const invalid = validateRequest(body, raw);
    if (invalid) return answerError(400, 'invalid_request_error', invalid);

    const fault = conversation.nextFault();
    if (fault) {
      record.fault = fault.kind;
      const done = await serveFault(fault, body, record, res);
      if (done) return;
    }
    if (record.aborted) return;

    const taken = conversation.take(record.index, body);
    if ('mismatch' in taken) {
      return answerError(400, 'invalid_request_error', taken.message, { 'x-should-retry': 'false' });
    }
    const { turn, index: turnIndex } = taken;
    record.turn = turnIndex;
    const answer = resolve(turn, body);
    if (answer.kind === 'error') return answerError(answer.status, answer.errorType, answer.message, answer.headers);
    const msg = buildMessage(answer, body, turnIndex, true);
    record.usage = msg.usage;
    record.status = 200;
    if (record.stream) await writeStream(res, messageEvents(msg, chunkChars));
    else sendJson(res, 200, withoutPartialJson(msg));
  }

  /** Serves a fault; returns false when the request should go on to its scripted turn. */
  async function serveFault(
    fault: Fault,
    body: MessagesRequestBody,
    record: RecordedRequest,
    res: ServerResponse,
  ): Promise<boolean> {
    const send = (status: number, type: string, message: string, headers: Record<string, string> = {}) => {
      record.status = status;
      sendError(res, status, type, message, headers);
      return true;
    };
    const ms = (v: number | undefined): Record<string, string> =>
      v === undefined ? {} : { 'retry-after-ms': String(v) };
    switch (fault.kind) {
      case 'rate_limit':
        return send(429, 'rate_limit_error', 'fake-anthropic: rate limited', {
          'retry-after': String(fault.retryAfterS ?? 1),
          ...ms(fault.retryAfterMs),
        });
      case 'server_error':
        return send(500, 'api_error', 'fake-anthropic: internal server error', ms(fault.retryAfterMs));
      case 'overloaded':
        return send(529, 'overloaded_error', 'Overloaded', ms(fault.retryAfterMs));
      case 'error':
        return send(
          fault.status,
          fault.errorType,
          fault.message ?? `fake-anthropic: ${fault.errorType}`,
          fault.headers,
        );
      case 'slow_first_byte':
        await sleepUnlessClosed(res, fault.delayMs);
        return false;
      case 'stream_error': {
        const type = fault.errorType ?? 'overloaded_error';
        const text = fault.message ?? (type === 'overloaded_error' ? 'Overloaded' : `fake-anthropic: ${type}`);
        if (!record.stream) return send(errorStatus(type), type, text);
        const events = messageEvents(peekMessage(body), chunkChars).slice(0, fault.afterEvents ?? 3);
        record.status = 200;
        await writeStream(res, [...events, { event: 'error', data: errorBody(type, text) }]);
        res.end();
        return true;
      }
      case 'malformed_json':
        if (!record.stream) {
          record.status = 200;
          const whole = JSON.stringify(peekMessage(body));
          sendRaw(res, 200, 'application/json', whole.slice(0, Math.floor(whole.length / 2)));
          return true;
        }
        return serveFault({ kind: 'malformed_sse' }, body, record, res);
      case 'drop_mid_stream':
      case 'stall':
      case 'malformed_sse': {
        const events = messageEvents(peekMessage(body), chunkChars);
        record.status = 200;
        if (fault.kind === 'malformed_sse') {
          res.writeHead(200, sseHeaders());
          res.write(encodeSse(events[0]!));
          res.end('event: content_block_delta\ndata: {"type":"content_block_delta",index:0,\n\n');
          return true;
        }
        if (!record.stream) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"id":"msg_fake","type":"message","content":[');
          await stallOrDrop(res, fault);
          return true;
        }
        await writeStream(res, events.slice(0, fault.afterEvents ?? 3));
        await stallOrDrop(res, fault);
        return true;
      }
    }
  }

  async function stallOrDrop(res: ServerResponse, fault: Fault): Promise<void> {
    if (fault.kind === 'stall') {
      stalls.add(res);
      await sleepUnlessClosed(res, fault.maxMs ?? 30_000);
      stalls.delete(res);
    }
    res.destroy();
  }

  /** The message the current turn would produce, for faults that cut a stream short. */
  function peekMessage(body: MessagesRequestBody): WireMessageResponse {
    const { turn, index } = conversation.current;
    const answer = turn ? resolve(turn, body) : undefined;
    const msg: MessageReply =
      answer?.kind === 'message'
        ? answer
        : { kind: 'message', content: [{ type: 'text', text: 'partial' }], stopReason: 'end_turn' };
    return buildMessage(msg, body, index, false);
  }

  function buildMessage(
    answer: MessageReply,
    body: MessagesRequestBody,
    turnIndex: number,
    commit: boolean,
  ): WireMessageResponse {
    const content = answer.content.map((block, i) =>
      block.type === 'tool_use' && !block.id ? { ...block, id: `toolu_fake_${turnIndex}_${i}` } : block,
    );
    const input: InputUsage = commit && cache ? cache.account(body) : uncachedUsage(body);
    // A real model stops at max_tokens: a longer scripted reply is cut there, with that stop reason.
    const limited = limitOutput(content, body.max_tokens);
    messageCounter++;
    return {
      id: `msg_fake_${String(messageCounter).padStart(4, '0')}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: limited.content,
      stop_reason: limited.cut ? 'max_tokens' : answer.stopReason,
      stop_sequence: null,
      usage: { ...input, output_tokens: Math.max(1, limited.outputTokens), ...answer.usage },
    };
  }

  const server = await listenLoopback(listenPort, handle, (res, err) =>
    sendError(res, 500, 'api_error', `fake-anthropic internal error: ${String(err)}`),
  );
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port,
    requests,
    mismatches: conversation.mismatches,
    cache,
    enqueueFault: (fault, times) => conversation.enqueueFault(fault, times),
    setScript: (next) => conversation.setScript(next),
    assertDone: () => conversation.assertDone(),
    async close() {
      for (const res of stalls) res.destroy();
      await server.close();
    },
  };
}

/** A message as the non-streaming endpoint sends it: a cut tool call has only its (empty) `input`. */
function withoutPartialJson(msg: WireMessageResponse): WireMessageResponse {
  return { ...msg, content: msg.content.map(({ partial_json: _partial, ...block }) => block) };
}

function resolve(turn: ScriptTurn, body: MessagesRequestBody): Reply {
  return typeof turn.reply === 'function' ? turn.reply(body) : turn.reply;
}
