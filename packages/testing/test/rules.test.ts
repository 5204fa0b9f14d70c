import { readFile } from 'node:fs/promises';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeAnthropic,
  FakeOptionError,
  type MessagesRequestBody,
  REQUEST_RULES,
  reply,
  startFakeAnthropic,
} from '../src/index.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const headers = { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };

/** Posts a raw JSON text and returns status and error message. */
async function post(raw: string): Promise<{ status: number; message?: string }> {
  fake ??= await startFakeAnthropic({ script: [{ reply: reply.text('ok') }] });
  const res = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers, body: raw });
  const json = (await res.json()) as { error?: { message: string } };
  return { status: res.status, message: json.error?.message };
}

const base = (over: Partial<MessagesRequestBody>): MessagesRequestBody => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'hi' }],
  ...over,
});
const cc = { type: 'ephemeral' as const };
const toolTurn = (id = 'toolu_1') => ({
  role: 'assistant' as const,
  content: [{ type: 'tool_use', id, name: 'read_file', input: { path: 'a' } }],
});

describe('the fake refuses what the real Messages API refuses, with its error text', { timeout: 10_000 }, () => {
  it.each<[string, MessagesRequestBody, string]>([
    [
      'a tool_result that answers no tool_use of the previous message',
      base({
        messages: [
          { role: 'user', content: 'go' },
          toolTurn('toolu_1'),
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_other', content: 'x' }] },
        ],
      }),
      'messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_other. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
    ],
    [
      'a tool_use not followed by its tool_result',
      base({ messages: [{ role: 'user', content: 'go' }, toolTurn('toolu_1'), { role: 'user', content: 'and?' }] }),
      'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
    ],
    [
      'a fifth cache_control breakpoint nested inside tool_result content',
      base({
        system: [{ type: 'text', text: 'sys', cache_control: cc }],
        tools: [{ name: 'read_file', input_schema: { type: 'object' }, cache_control: cc }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'go', cache_control: cc }] },
          toolTurn('toolu_1'),
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'toolu_1',
                content: [
                  { type: 'text', text: 'a', cache_control: cc },
                  { type: 'text', text: 'b', cache_control: cc },
                ],
              },
            ],
          },
        ],
      }),
      'A maximum of 4 blocks with cache_control may be provided. Found 5.',
    ],
    [
      'cache_control on an empty text block',
      base({ system: [{ type: 'text', text: '', cache_control: cc }] }),
      'system.0.text: cache_control cannot be set for empty text blocks',
    ],
    [
      'cache_control on an empty tool_result',
      base({
        messages: [
          { role: 'user', content: 'go' },
          toolTurn('toolu_1'),
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '', cache_control: cc }] },
        ],
      }),
      'messages.2.content.0.content: cache_control cannot be set for empty text blocks',
    ],
    [
      'an empty text block',
      base({ messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }),
      'messages: text content blocks must be non-empty',
    ],
    [
      'a whitespace-only text block',
      base({ messages: [{ role: 'user', content: [{ type: 'text', text: ' \n' }] }] }),
      'messages: text content blocks must contain non-whitespace text',
    ],
    [
      'an empty message',
      base({ messages: [{ role: 'user', content: [] }] }),
      'messages.0: all messages must have non-empty content except for the optional final assistant message',
    ],
    [
      'a prefill ending in whitespace',
      base({
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: 'Sure, ' },
        ],
      }),
      'final assistant content cannot end with trailing whitespace',
    ],
    [
      'a 1h breakpoint after a 5m one',
      base({
        system: [{ type: 'text', text: 'sys', cache_control: cc }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'go', cache_control: { ...cc, ttl: '1h' } }] }],
      }),
      "messages.0.content.0.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: `tools`, `system`, `messages`.",
    ],
    [
      'a tool name the API does not allow',
      base({ tools: [{ name: 'read file', input_schema: { type: 'object' } }] }),
      "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'",
    ],
    [
      'a first message from the assistant',
      base({ messages: [{ role: 'assistant', content: 'hi' }] }),
      'messages: first message must use the "user" role',
    ],
    ['max_tokens of 0', base({ max_tokens: 0 }), 'max_tokens: Input should be greater than or equal to 1'],
    [
      'a thinking budget not below max_tokens',
      base({ max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 2000 } }),
      '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size',
    ],
    [
      'a thinking budget below 1024',
      base({ max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 512 } }),
      'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
    ],
  ])('%s', async (_name, body, message) => {
    expect(await post(JSON.stringify(body))).toEqual({ status: 400, message });
    expect(fake?.requests[0]?.status).toBe(400);
    expect(fake?.requests[0]?.turn).toBeUndefined(); // a refused request consumes no turn
  });

  it('a lone surrogate anywhere in the body, at its position in the JSON text', async () => {
    const raw = JSON.stringify(base({ messages: [{ role: 'user', content: `cut emoji: ${'😀'.slice(0, 1)}` }] }));
    const at = raw.indexOf('\\ud83d');
    expect(at).toBeGreaterThan(0);
    expect(await post(raw)).toEqual({
      status: 400,
      message: `The request body is not valid JSON: no low surrogate in string: line 1 column ${at + 1} (char ${at})`,
    });
    // a whole emoji, escaped or not, is fine
    expect(
      (await post(JSON.stringify(base({ messages: [{ role: 'user', content: 'emoji 😀 \ud83d\ude00' }] })))).status,
    ).toBe(200);
  });

  it('accepts a well-formed tool round trip with four breakpoints (the real SDK sends it)', async () => {
    fake = await startFakeAnthropic({ script: [{ reply: reply.text('ok') }] });
    const client = new Anthropic({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const msg = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      system: [{ type: 'text', text: 'sys', cache_control: cc }],
      tools: [{ name: 'read_file', input_schema: { type: 'object' }, cache_control: cc }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'go', cache_control: cc }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'read_file', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '', cache_control: undefined },
            { type: 'text', text: 'next', cache_control: cc },
          ],
        },
      ],
    });
    expect(msg.content[0]).toMatchObject({ text: 'ok' });
    fake.assertDone();
  });

  it('every rule is in the docs table, with its error text', async () => {
    const doc = await readFile(new URL('../../../docs/testing.md', import.meta.url), 'utf8');
    for (const rule of REQUEST_RULES) expect(doc, rule.id).toContain(`\`${rule.id}\``);
  });
});

describe('options and faults the fake cannot honour are typed errors', () => {
  it('chunkChars 0, a bad port and an error fault below 400 are refused', async () => {
    await expect(startFakeAnthropic({ chunkChars: 0 })).rejects.toMatchObject({ code: 'fake.invalid_option' });
    await expect(startFakeAnthropic({ port: -1 })).rejects.toBeInstanceOf(FakeOptionError);
    await expect(
      startFakeAnthropic({ faults: [{ kind: 'error', status: 200, errorType: 'api_error' }] }),
    ).rejects.toMatchObject({ code: 'fake.invalid_fault' });
    fake = await startFakeAnthropic();
    expect(() => fake!.enqueueFault({ kind: 'error', status: 302, errorType: 'api_error' })).toThrow(FakeOptionError);
    fake.assertDone(); // nothing was queued
  });

  it('listens on the port it is given', async () => {
    const probe = await startFakeAnthropic();
    const port = probe.port;
    await probe.close();
    fake = await startFakeAnthropic({ port, script: [{ reply: reply.text('here') }] });
    expect(fake.url).toBe(`http://127.0.0.1:${port}`);
    expect((await post(JSON.stringify(base({})))).status).toBe(200);
  });
});
