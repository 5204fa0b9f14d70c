import { createOpenAI } from '@ai-sdk/openai';
import { ProviderError, type Usage } from '@sessionhub/core';
import { executeInputOf, recordProgress } from '@sessionhub/core/testing';
import { chatMatch, chatReply, startFakeOpenAI } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { AiSdkExecutor, AiSdkPlanner, usageOf } from '../src/index.js';
import { createSandbox, GOOD_INSTRUCTION, held } from './support.js';

const KEY = 'sk-openai-executor-secret';
const input = () => executeInputOf(GOOD_INSTRUCTION, { sessionId: 'ses_exec' });

async function fakeWith(script: Parameters<typeof startFakeOpenAI>[0]) {
  const fake = held(await startFakeOpenAI({ apiKey: KEY, ...script }));
  const model = createOpenAI({ apiKey: KEY, baseURL: fake.url }).chat('gpt-4.1');
  return { fake, model };
}

describe('AiSdkExecutor: outcomes of a model call', () => {
  it('reports each call’s usage as it returns, before the tools it asks for run', async () => {
    const { fake, model } = await fakeWith({
      script: [
        { reply: chatReply.toolCall('write_file', { path: 'a.txt', content: 'A\n' }) },
        { match: chatMatch.toolResult({ name: 'write_file' }), reply: chatReply.text('done') },
      ],
    });
    const sandbox = await createSandbox();
    const order: string[] = [];
    const reported: Usage[] = [];
    const log = recordProgress((p) => order.push(p.kind));
    const report = await new AiSdkExecutor({
      model,
      prices: { 'gpt-4.1': { inputPerMTok: 1, outputPerMTok: 1 } },
    }).execute(input(), sandbox, {
      signal: AbortSignal.timeout(10_000),
      emit: log.emit,
      reportUsage: (u) => {
        reported.push(u);
        order.push('usage');
      },
    });
    fake.assertDone();
    expect(report.changedFiles).toEqual(['a.txt']);
    expect(report.summary).toBe('done');
    expect(reported).toHaveLength(2);
    // Each call's usage names the model that made it (analytics groups sessions by it).
    expect(reported.map((u) => u.model)).toEqual(['gpt-4.1', 'gpt-4.1']);
    expect(order.indexOf('usage')).toBeLessThan(order.indexOf('tool_call'));
    const total = reported[0]!.inputTokens + reported[0]!.outputTokens;
    expect(reported[0]!.costUsd).toBeCloseTo(total / 1e6, 12); // the overridden price table
    expect(report.usage.inputTokens).toBe(reported[0]!.inputTokens + reported[1]!.inputTokens);
  });

  it('an unknown tool and unreadable input go back to the model as error results, not a crash', async () => {
    const { fake, model } = await fakeWith({
      script: [
        { reply: chatReply.toolCall('delete_everything', {}) },
        {
          match: chatMatch.toolResult({ name: 'delete_everything', contains: 'unknown tool' }),
          reply: chatReply.text('gave up'),
        },
      ],
    });
    const log = recordProgress();
    const report = await new AiSdkExecutor({ model }).execute(input(), await createSandbox(), {
      signal: AbortSignal.timeout(10_000),
      emit: log.emit,
    });
    fake.assertDone();
    expect(report.summary).toBe('gave up');
    expect(log.events.find((e) => e.kind === 'tool_result')?.data).toMatchObject({ isError: true });
  });

  it('length: drops the cut call, asks for smaller steps, and fails with executor.max_tokens past the budget', async () => {
    const cut = {
      ...chatReply.toolCall('write_file', { path: 'big.txt', content: 'x' }),
      finishReason: 'length' as const,
    };
    const { fake, model } = await fakeWith({
      script: [{ reply: cut }, { match: chatMatch.lastUserContains('was cut off'), reply: { ...cut } }],
    });
    const err = await new AiSdkExecutor({ model, maxTokenContinuations: 1 })
      .execute(input(), await createSandbox(), { signal: AbortSignal.timeout(10_000), emit: () => {} })
      .catch((e: unknown) => e);
    fake.assertDone();
    expect(err).toMatchObject({ code: 'executor.max_tokens', retryable: true });
    expect(fake.requests).toHaveLength(2);
  });

  it('content_filter is executor.refusal with the partial report', async () => {
    const { model } = await fakeWith({ script: [{ reply: chatReply.text('I cannot help', 'content_filter') }] });
    const err = await new AiSdkExecutor({ model })
      .execute(input(), await createSandbox(), { signal: AbortSignal.timeout(10_000), emit: () => {} })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'executor.refusal', report: { turns: 1 } });
  });
});

describe('AiSdkExecutor and AiSdkPlanner: provider failures and cancellation', () => {
  it('a rate limit past the retry budget is provider.rate_limited, retryable, and the key is nowhere in it', async () => {
    const { fake, model } = await fakeWith({
      faults: [
        { kind: 'rate_limit', retryAfterMs: 1 },
        { kind: 'rate_limit', retryAfterMs: 1 },
      ],
      script: [{ reply: chatReply.text(GOOD_INSTRUCTION) }],
    });
    const err = await new AiSdkPlanner({ model, maxRetries: 1, secrets: [KEY] })
      .plan({ sessionId: 's', kind: 'initial', request: 'greet', library: [] }, { signal: AbortSignal.timeout(10_000) })
      .catch((e: unknown) => e);
    expect(ProviderError.isInstance(err)).toBe(true);
    expect(err).toMatchObject({ code: 'provider.rate_limited', retryable: true, status: 429 });
    expect(fake.requests.map((r) => r.status)).toEqual([429, 429]);
    expect(JSON.stringify({ m: (err as Error).message, c: String((err as Error).cause) })).not.toContain(KEY);
  });

  it('a wrong key is provider.auth, not retryable', async () => {
    const fake = held(await startFakeOpenAI({ apiKey: KEY }));
    const model = createOpenAI({ apiKey: 'sk-wrong-key', baseURL: fake.url }).chat('gpt-4.1');
    const err = await new AiSdkPlanner({ model, secrets: ['sk-wrong-key'] })
      .plan({ sessionId: 's', kind: 'initial', request: 'greet', library: [] }, { signal: AbortSignal.timeout(10_000) })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'provider.auth', retryable: false, status: 401 });
    expect((err as Error).message).not.toContain('sk-wrong-key');
  });

  it('cancelling during a stalled model call ends the executor with provider.cancelled and the request aborted', async () => {
    const { fake, model } = await fakeWith({
      faults: [{ kind: 'stall' }],
      script: [{ reply: chatReply.text('late') }],
    });
    const controller = new AbortController();
    const running = new AiSdkExecutor({ model }).execute(input(), await createSandbox(), {
      signal: controller.signal,
      emit: () => {},
    });
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'provider.cancelled' });
    await expect.poll(() => fake.requests[0]?.aborted).toBe(true);
  });

  it('a provider that stalls past timeoutMs is provider.timeout (retryable), not a hung call', async () => {
    const { fake, model } = await fakeWith({
      faults: [{ kind: 'stall' }],
      script: [{ reply: chatReply.text('late') }],
    });
    const err = await new AiSdkPlanner({ model, timeoutMs: 300, maxRetries: 0 })
      .plan({ sessionId: 's', kind: 'initial', request: 'greet', library: [] }, { signal: AbortSignal.timeout(10_000) })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'provider.timeout', retryable: true });
    await expect.poll(() => fake.requests[0]?.aborted).toBe(true);
  });

  it('a planner answer cut off by the output limit is never returned (planner.truncated)', async () => {
    const { model } = await fakeWith({ script: [{ reply: chatReply.text(GOOD_INSTRUCTION.slice(0, 40), 'length') }] });
    const err = await new AiSdkPlanner({ model })
      .plan({ sessionId: 's', kind: 'initial', request: 'greet', library: [] }, { signal: AbortSignal.timeout(10_000) })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'planner.truncated', retryable: true });
  });
});

describe('usageOf: the AI SDK counts cached input inside inputTokens; SessionHub does not', () => {
  it('takes cache reads out of input and prices them at the cache price', async () => {
    const u = usageOf(
      {
        inputTokens: 1000,
        inputTokenDetails: { noCacheTokens: undefined, cacheReadTokens: 800, cacheWriteTokens: undefined },
        outputTokens: 100,
        outputTokenDetails: { textTokens: 100, reasoningTokens: undefined },
        totalTokens: 1100,
      },
      'gpt-4.1-2025-04-14',
    );
    expect(u).toMatchObject({ inputTokens: 200, cacheReadTokens: 800, outputTokens: 100, cacheWriteTokens: 0 });
    expect(u.costUsd).toBeCloseTo((200 * 2 + 800 * 0.5 + 100 * 8) / 1e6, 12);
    const bare = {
      inputTokens: 5,
      inputTokenDetails: { noCacheTokens: undefined, cacheReadTokens: undefined, cacheWriteTokens: undefined },
      outputTokens: 1,
      outputTokenDetails: { textTokens: undefined, reasoningTokens: undefined },
      totalTokens: 6,
    };
    expect(usageOf(bare, 'some-local-model')).toMatchObject({
      inputTokens: 5,
      costUnknown: true,
      costUsd: 0,
    });
  });
});
