import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { approxTokens, type FakeAnthropic, PromptCache, reply, startFakeAnthropic } from '../src/index.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const bigSystem = 'You are a careful engineer. '.repeat(300); // ~8400 chars, ~2100 tokens
const body = (
  system: string,
  messages: Anthropic.MessageParam[],
  cached = true,
): Anthropic.MessageCreateParamsNonStreaming => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 64,
  system: [{ type: 'text', text: system, ...(cached ? { cache_control: { type: 'ephemeral' as const } } : {}) }],
  messages,
});

describe('prompt-cache simulation', { timeout: 10_000 }, () => {
  it('writes the prefix at a breakpoint, then reads it', async () => {
    fake = await startFakeAnthropic({ script: [{ reply: reply.text('a') }, { reply: reply.text('b') }] });
    const c = new Anthropic({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const first = await c.messages.create(body(bigSystem, [{ role: 'user', content: 'q1' }]));
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(1024);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    const second = await c.messages.create(body(bigSystem, [{ role: 'user', content: 'q2' }]));
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    expect(second.usage.input_tokens).toBe(first.usage.input_tokens);
  });

  it('a ttl "1h" breakpoint outlives the 5-minute TTL and reports its writes as 1-hour writes', async () => {
    let now = 0;
    const cache = new PromptCache({}, () => now);
    const long = (content: string) => ({
      ...body(bigSystem, [{ role: 'user' as const, content }], false),
      system: [
        { type: 'text' as const, text: bigSystem, cache_control: { type: 'ephemeral' as const, ttl: '1h' as const } },
      ],
    });
    const first = cache.account(long('q1') as never);
    expect(first.cache_creation).toEqual({
      ephemeral_5m_input_tokens: 0,
      ephemeral_1h_input_tokens: first.cache_creation_input_tokens,
    });
    now = 30 * 60_000; // past 5 minutes, within the hour
    expect(cache.account(long('q2') as never).cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
    now += 61 * 60_000; // past the hour since the last read
    expect(cache.account(long('q3') as never).cache_read_input_tokens).toBe(0);
    // a 5-minute entry is gone after 30 minutes
    const short = body(`Another system prompt. ${bigSystem}`, [{ role: 'user', content: 'q' }]);
    const written = cache.account(short as never);
    expect(written.cache_creation?.ephemeral_5m_input_tokens).toBeGreaterThan(1024);
    now += 30 * 60_000;
    expect(cache.account(short as never).cache_read_input_tokens).toBe(0);
  });

  it('caches nothing without breakpoints or below the minimum length', async () => {
    const cache = new PromptCache({ minTokens: 1024 });
    const small = body('short system prompt', [{ role: 'user', content: 'q' }]);
    const none = body(bigSystem, [{ role: 'user', content: 'q' }], false);
    for (let i = 0; i < 2; i++) {
      expect(cache.account(small as never)).toMatchObject({
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      });
      expect(cache.account(none as never)).toMatchObject({
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      });
    }
  });

  it('misses when anything before the breakpoint changes (tools, then system, then messages)', () => {
    const cache = new PromptCache();
    const base = body(bigSystem, [{ role: 'user', content: 'q' }]);
    cache.account(base as never);
    const changed = body(`${bigSystem}!`, [{ role: 'user', content: 'q' }]);
    expect(cache.account(changed as never).cache_read_input_tokens).toBe(0);
    const withTool = { ...base, tools: [{ name: 't', input_schema: { type: 'object' } }] };
    expect(cache.account(withTool as never).cache_read_input_tokens).toBe(0);
  });

  it('expires entries after the TTL and refreshes them on a read', () => {
    let now = 0;
    const cache = new PromptCache({ ttlMs: 1000 }, () => now);
    const req = body(bigSystem, [{ role: 'user', content: 'q' }]) as never;
    cache.account(req);
    now = 900;
    expect(cache.account(req).cache_read_input_tokens).toBeGreaterThan(0);
    now = 1800; // 900 ms after the refresh
    expect(cache.account(req).cache_read_input_tokens).toBeGreaterThan(0);
    now = 2900;
    const expired = cache.account(req);
    expect(expired.cache_read_input_tokens).toBe(0);
    expect(expired.cache_creation_input_tokens).toBeGreaterThan(0);
  });

  it('finds an earlier entry within the lookback window from a moved breakpoint', () => {
    const cache = new PromptCache({ minTokens: 10 });
    const m1: Anthropic.MessageParam[] = [
      {
        role: 'user',
        content: [{ type: 'text', text: 'first question '.repeat(20), cache_control: { type: 'ephemeral' } }],
      },
    ];
    const w = cache.account({ model: 'm', max_tokens: 1, messages: m1 } as never);
    const m2: Anthropic.MessageParam[] = [
      { role: 'user', content: [{ type: 'text', text: 'first question '.repeat(20) }] },
      { role: 'assistant', content: [{ type: 'text', text: 'answer' }] },
      { role: 'user', content: [{ type: 'text', text: 'second', cache_control: { type: 'ephemeral' } }] },
    ];
    const r = cache.account({ model: 'm', max_tokens: 1, messages: m2 } as never);
    expect(r.cache_read_input_tokens).toBe(w.cache_creation_input_tokens);
    expect(r.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(r.input_tokens).toBe(0);
  });

  it('counts tokens as ceil(chars / 4) without the cache_control marker', () => {
    expect(approxTokens('abcde')).toBe(2);
    expect(approxTokens({ type: 'text', text: 'x', cache_control: { type: 'ephemeral' } })).toBe(
      approxTokens({ type: 'text', text: 'x' }),
    );
  });

  it('rejects more than four cache_control blocks like the real API', async () => {
    fake = await startFakeAnthropic({ script: [{ reply: reply.text('a') }] });
    const c = new Anthropic({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const marked = { type: 'text' as const, text: 'x', cache_control: { type: 'ephemeral' as const } };
    const req = { ...body(bigSystem, [{ role: 'user', content: [marked, marked, marked, marked] }]) };
    await expect(c.messages.create(req)).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });
});

describe('prompt-cache prefix identity', () => {
  it('treats string content as the one text block it stands for', () => {
    const cache = new PromptCache({ minTokens: 10 });
    const text = 'the same words '.repeat(20);
    cache.account({
      model: 'm',
      max_tokens: 1,
      messages: [{ role: 'user', content: [{ type: 'text', text, cache_control: { type: 'ephemeral' } }] }],
    });
    const again = cache.account({
      model: 'm',
      max_tokens: 1,
      messages: [
        { role: 'user', content: text },
        { role: 'assistant', content: [{ type: 'text', text: 'ok', cache_control: { type: 'ephemeral' } }] },
      ],
    });
    expect(again.cache_read_input_tokens).toBeGreaterThan(0);
  });

  it('keys a block on everything before it: a resent block after an edited one, or under another model, is a miss', () => {
    const cache = new PromptCache({ minTokens: 10 });
    const request = (first: string, model = 'm') => ({
      model,
      max_tokens: 1,
      messages: [
        { role: 'user' as const, content: [{ type: 'text' as const, text: first }] },
        { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'ok' }] },
        {
          role: 'user' as const,
          content: [
            {
              type: 'text' as const,
              text: 'the same words '.repeat(20),
              cache_control: { type: 'ephemeral' as const },
            },
          ],
        },
      ],
    });
    const written = cache.account(request('first')).cache_creation_input_tokens;
    expect(written).toBeGreaterThan(0);
    expect(cache.account(request('edited')).cache_read_input_tokens).toBe(0);
    expect(cache.account(request('first', 'other')).cache_read_input_tokens).toBe(0);
    expect(cache.account(request('first')).cache_read_input_tokens).toBe(written);
  });
});
