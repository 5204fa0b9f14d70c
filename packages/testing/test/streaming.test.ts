import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAnthropic, match, reply, startFakeAnthropic } from '../src/index.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const client = (f: FakeAnthropic, apiKey = 'test-key') => new Anthropic({ apiKey, baseURL: f.url, maxRetries: 0 });
const ask = (text: string) => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: text }],
});

describe('fake Messages API through the real SDK', { timeout: 10_000 }, () => {
  it('streams a text reply with the real event sequence', async () => {
    fake = await startFakeAnthropic({
      script: [{ match: match.lastUserContains('hello'), reply: reply.text('Hi there, how can I help you today?') }],
    });
    const stream = client(fake).messages.stream(ask('hello'));
    const seen: string[] = [];
    stream.on('streamEvent', (e) => seen.push(e.type));
    const msg = await stream.finalMessage();
    expect(msg.content).toEqual(
      [{ type: 'text', text: 'Hi there, how can I help you today?', citations: null }].map(({ citations: _c, ...b }) =>
        expect.objectContaining(b),
      ),
    );
    expect(msg.stop_reason).toBe('end_turn');
    expect(seen[0]).toBe('message_start');
    expect(seen).toContain('content_block_delta');
    expect(seen.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
    fake.assertDone();
  });

  it('streams a tool_use block whose input arrives as input_json_delta pieces', async () => {
    const input = { path: 'src/some/long/file/name.ts', content: 'x'.repeat(100) };
    fake = await startFakeAnthropic({ script: [{ reply: reply.toolUse('write_file', input, { text: 'Writing.' }) }] });
    const msg = await client(fake).messages.stream(ask('go')).finalMessage();
    expect(msg.stop_reason).toBe('tool_use');
    const tool = msg.content.find((b) => b.type === 'tool_use');
    expect(tool).toMatchObject({ type: 'tool_use', name: 'write_file', id: 'toolu_fake_0_1', input });
  });

  it('answers non-streaming requests with a JSON message', async () => {
    fake = await startFakeAnthropic({ script: [{ reply: reply.text('plain') }] });
    const msg = await client(fake).messages.create(ask('x'));
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'plain' });
    expect(fake.requests[0]?.stream).toBe(false);
  });

  it('checks the API key and redacts it from recorded requests', async () => {
    const canary = 'sk-ant-canary-7f3a9c';
    fake = await startFakeAnthropic({ apiKey: canary, script: [{ reply: reply.text('ok') }] });
    await expect(client(fake, 'wrong-key').messages.create(ask('x'))).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
    const ok = await client(fake, canary).messages.create(ask('x'));
    expect(ok.content[0]).toMatchObject({ text: 'ok' });
    expect(JSON.stringify(fake.requests)).not.toContain(canary);
    const headers = fake.requests[1]?.headers ?? {};
    expect(headers['x-api-key'] ?? headers.authorization).toBe('[redacted]');
  });

  it('requires anthropic-version and a key, and answers errors in the real shape', async () => {
    fake = await startFakeAnthropic();
    const body = JSON.stringify(ask('x'));
    const noVersion = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'k' }, body });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const noKey = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'anthropic-version': '2023-06-01' },
      body,
    });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('reports a script mismatch with expected and received, and assertDone fails', async () => {
    fake = await startFakeAnthropic({
      script: [{ name: 'greeting', match: match.lastUserContains('hello'), reply: reply.text('hi') }],
    });
    const err = await client(fake)
      .messages.create(ask('goodbye'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const body = (err as InstanceType<typeof Anthropic.APIError>).error as { error: { message: string } };
    expect(body.error.message).toContain('expected last user message contains "hello"');
    expect(body.error.message).toContain('received last user message was "goodbye"');
    expect(() => fake?.assertDone()).toThrow(/turn 0 \(greeting\)/);
  });

  it('matches tool results by tool name and content', async () => {
    fake = await startFakeAnthropic({
      script: [
        { reply: reply.toolUse('read_file', { path: 'a.txt' }) },
        { match: match.toolResult({ name: 'read_file', contains: 'alpha' }), reply: reply.text('done') },
      ],
    });
    const c = client(fake);
    const first = await c.messages.create(ask('read it'));
    const toolUse = first.content.find((b) => b.type === 'tool_use');
    if (toolUse?.type !== 'tool_use') throw new Error('expected a tool_use block');
    const second = await c.messages.create({
      ...ask('read it'),
      messages: [
        { role: 'user', content: 'read it' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'alpha beta' }] },
      ],
    });
    expect(second.content[0]).toMatchObject({ text: 'done' });
    fake.assertDone();
  });

  it('reports unrequested turns in assertDone', async () => {
    fake = await startFakeAnthropic({ script: [{ name: 'never', reply: reply.text('x') }] });
    expect(() => fake?.assertDone()).toThrow(/turn 0 \(never\) was never requested/);
  });
  it('setScript replaces the script and rewinds to its first turn', async () => {
    fake = await startFakeAnthropic({ script: [{ reply: reply.text('first script') }] });
    const c = client(fake);
    expect((await c.messages.create(ask('a'))).content[0]).toMatchObject({ text: 'first script' });
    fake.setScript([{ reply: reply.text('second script, turn 0') }, { reply: reply.text('second script, turn 1') }]);
    expect((await c.messages.create(ask('b'))).content[0]).toMatchObject({ text: 'second script, turn 0' });
    expect((await c.messages.create(ask('c'))).content[0]).toMatchObject({ text: 'second script, turn 1' });
    expect(fake.requests.map((r) => r.turn)).toEqual([0, 0, 1]);
    fake.assertDone();
  });

  it('serves a scripted error reply in the real shape and consumes its turn', async () => {
    fake = await startFakeAnthropic({
      script: [{ reply: reply.error('invalid_request_error', 'prompt is too long') }, { reply: reply.text('ok') }],
    });
    const err = await client(fake)
      .messages.create(ask('x'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'prompt is too long' },
    });
    expect((await client(fake).messages.create(ask('x'))).content[0]).toMatchObject({ text: 'ok' });
    fake.assertDone();
  });

  it('a reply longer than max_tokens is cut there, with stop reason max_tokens, as a real model is', async () => {
    fake = await startFakeAnthropic({
      script: [
        { reply: reply.text('x'.repeat(100)) },
        { reply: reply.toolUse('write_file', { path: 'big.js', content: 'y'.repeat(200) }, { text: 'Writing.' }) },
        { reply: reply.toolUse('write_file', { path: 'big.js', content: 'y'.repeat(200) }) },
      ],
    });
    const small = { ...ask('go'), max_tokens: 10 };
    const text = await client(fake).messages.stream(small).finalMessage();
    expect(text.stop_reason).toBe('max_tokens');
    expect(text.content[0]).toMatchObject({ type: 'text', text: 'x'.repeat(40) });
    expect(text.usage.output_tokens).toBe(10);
    // streamed: the tool call's input arrives cut, as its partial JSON
    const tool = await client(fake)
      .messages.stream({ ...small, max_tokens: 20 })
      .finalMessage();
    expect(tool.stop_reason).toBe('max_tokens');
    expect(tool.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
    expect(tool.content[1]).toMatchObject({ name: 'write_file', input: { path: 'big.js' } });
    // not streamed: the cut call has an empty input
    const plain = await client(fake).messages.create({ ...small, max_tokens: 20 });
    expect(plain.stop_reason).toBe('max_tokens');
    expect(plain.content[0]).toMatchObject({ type: 'tool_use', input: {} });
    expect(JSON.stringify(plain)).not.toContain('partial_json');
    fake.assertDone();
  });
});
