import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHAT_REQUEST_RULES,
  chatMatch,
  chatReply,
  type FakeOpenAI,
  startFakeOpenAI,
  validateChatRequest,
} from '../src/index.js';

let fake: FakeOpenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const post = (body: unknown, key = 'sk-test') =>
  fetch(`${fake!.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });

const greetTool = {
  greet: tool({
    description: 'greets',
    inputSchema: jsonSchema({ type: 'object', properties: { name: { type: 'string' } } }),
  }),
};

describe('fake OpenAI Chat Completions, through the real @ai-sdk/openai provider', () => {
  it('JSON: a text answer with usage counted by the documented approximation', async () => {
    fake = await startFakeOpenAI({
      script: [{ match: chatMatch.lastUserContains('hello'), reply: chatReply.text('Hi there') }],
    });
    const model = createOpenAI({ apiKey: 'sk-test', baseURL: fake.url }).chat('gpt-4.1');
    const r = await generateText({ model, prompt: 'hello' });
    expect(r.text).toBe('Hi there');
    expect(r.finishReason).toBe('stop');
    expect(r.usage.outputTokens).toBe(Math.ceil('Hi there'.length / 4));
    expect(r.usage.inputTokens).toBe(fake.requests[0]!.usage!.prompt_tokens);
    fake.assertDone();
  });

  it('SSE: streamed text and a tool call whose arguments arrive in pieces, with usage in the last chunk', async () => {
    fake = await startFakeOpenAI({
      chunkChars: 3,
      script: [
        { reply: chatReply.toolCalls([{ name: 'greet', arguments: { name: 'Ada Lovelace' } }], 'Let me greet.') },
      ],
    });
    const model = createOpenAI({ apiKey: 'sk-test', baseURL: fake.url }).chat('gpt-4.1');
    const r = streamText({ model, prompt: 'greet Ada', tools: greetTool });
    const deltas: string[] = [];
    for await (const part of r.fullStream) if (part.type === 'text-delta') deltas.push(part.text);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Let me greet.');
    expect((await r.toolCalls).map((c) => [c.toolName, c.input])).toEqual([['greet', { name: 'Ada Lovelace' }]]);
    expect(await r.finishReason).toBe('tool-calls');
    expect((await r.usage).outputTokens).toBe(fake.requests[0]!.usage!.completion_tokens);
    expect(fake.requests[0]!.stream).toBe(true);
  });

  it('a rate limit carries retry-after and the real error shape; the provider retries it', async () => {
    fake = await startFakeOpenAI({
      faults: [{ kind: 'rate_limit', retryAfterMs: 1 }],
      script: [{ reply: chatReply.text('ok') }],
    });
    const model = createOpenAI({ apiKey: 'sk-test', baseURL: fake.url }).chat('gpt-4.1');
    expect((await generateText({ model, prompt: 'x', maxRetries: 1 })).text).toBe('ok');
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
    fake.assertDone();
  });

  it('a stream cut mid-answer fails the call instead of returning half an answer', async () => {
    fake = await startFakeOpenAI({
      faults: [{ kind: 'drop_mid_stream', afterChunks: 2 }],
      script: [{ reply: chatReply.text('a long answer that is cut') }],
    });
    const model = createOpenAI({ apiKey: 'sk-test', baseURL: fake.url }).chat('gpt-4.1');
    const r = streamText({ model, prompt: 'x', maxRetries: 0, onError: () => {} });
    const errors: unknown[] = [];
    for await (const part of r.fullStream) if (part.type === 'error') errors.push(part.error);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('a malformed JSON body fails the provider call as an unreadable answer, and the turn is still answered', async () => {
    fake = await startFakeOpenAI({ faults: [{ kind: 'malformed' }], script: [{ reply: chatReply.text('ok') }] });
    const model = createOpenAI({ apiKey: 'sk-test', baseURL: fake.url }).chat('gpt-4.1');
    await expect(generateText({ model, prompt: 'x', maxRetries: 0 })).rejects.toThrow();
    expect(fake.requests[0]).toMatchObject({ status: 200, fault: 'malformed', turn: 0 });
  });

  it('an invalid fault is refused with fake.invalid_fault', async () => {
    fake = await startFakeOpenAI();
    expect(() => fake!.enqueueFault({ kind: 'error', status: 200, errorType: 'x' })).toThrow(
      expect.objectContaining({ code: 'fake.invalid_fault' }),
    );
  });

  it('a script mismatch is a 400 and fails assertDone', async () => {
    fake = await startFakeOpenAI({
      script: [{ name: 'plan', match: chatMatch.systemContains('Planner'), reply: chatReply.text('x') }],
    });
    const res = await post({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'script mismatch at turn 0 (plan)',
    );
    expect(() => fake!.assertDone()).toThrow(/expected a system message containing/);
  });

  it('a wrong key is 401 invalid_api_key', async () => {
    fake = await startFakeOpenAI({ apiKey: 'sk-right' });
    const res = await post({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }, 'sk-wrong');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_api_key', type: 'invalid_request_error' } });
  });
});

describe('CHAT_REQUEST_RULES: what the real API refuses, the fake refuses', () => {
  const ok = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };
  const cases: [string, Record<string, unknown>][] = [
    ['model-required', { ...ok, model: '' }],
    ['messages-non-empty', { ...ok, messages: [] }],
    ['message-role', { ...ok, messages: [{ role: 'robot', content: 'x' }] }],
    ['max-tokens-exclusive', { ...ok, max_tokens: 5, max_completion_tokens: 5 }],
    ['stream-options-need-stream', { ...ok, stream_options: { include_usage: true } }],
    [
      'tool-shape',
      { ...ok, tools: [{ type: 'function', function: { name: 'has space', parameters: { type: 'object' } } }] },
    ],
    ['tool-choice-needs-tools', { ...ok, tool_choice: 'auto' }],
    [
      'tool-results-answer-calls',
      {
        ...ok,
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'user', content: 'y' },
        ],
      },
    ],
  ];

  it('every rule has a case here', () => {
    expect(cases.map(([id]) => id).sort()).toEqual(CHAT_REQUEST_RULES.map((r) => r.id).sort());
  });

  it.each(cases)('%s: refused with a 400 over HTTP', async (id, body) => {
    const rule = CHAT_REQUEST_RULES.find((r) => r.id === id)!;
    expect(rule.check(body)).toBeDefined();
    fake = await startFakeOpenAI({ script: [{ reply: chatReply.text('never') }] });
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(fake.requests[0]!.turn).toBeUndefined();
  });

  it('a well-formed conversation with answered tool calls passes every rule', () => {
    expect(
      validateChatRequest({
        ...ok,
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        messages: [
          { role: 'user', content: 'x' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'done' },
        ],
      }),
    ).toBeUndefined();
  });
});
