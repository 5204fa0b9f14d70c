import type { PlanInput, Usage } from '@sessionhub/core';
import { ProviderError } from '@sessionhub/core';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { AnthropicPlanner, EXECUTOR_SYSTEM_PROMPT, ModelStopError, PLANNER_SYSTEM_PROMPT } from '../src/index.js';
import { CODE_WRITING_INSTRUCTION, GOOD_INSTRUCTION } from './support/instructions.js';
import { held } from './support/sandbox.js';

const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  sessionId: 'ses_1',
  kind: 'initial',
  request: 'Greet visitors by their name',
  nextVersion: '1.1',
  foundation: { path: 'FOUNDATION.md', text: '# Demo Foundation\nCurrent Version: 1.0\n', version: '1.0' },
  library: [],
  ...over,
});
const signal = () => AbortSignal.timeout(15_000);

describe('AnthropicPlanner', { timeout: 20_000 }, () => {
  it('teaches the format and the boundary, sends the context, and parses the answer', async () => {
    const fake = held(
      await startFakeAnthropic({
        script: [
          {
            match: [
              match.systemContains('Never write'),
              match.systemContains('FOUNDATION UPDATE:'),
              match.lastUserContains('Greet visitors by their name'),
              match.lastUserContains('Current Version: 1.0'),
              match.lastUserContains('Use version 1.1'),
              match.lastUserContains('Earlier export session'),
            ],
            reply: reply.text(GOOD_INSTRUCTION),
          },
        ],
      }),
    );
    const planner = new AnthropicPlanner({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const library = [
      {
        score: 1,
        session: {
          id: 's0',
          state: 'succeeded' as const,
          input: { kind: 'request' as const, request: 'export' },
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z',
          name: 'Earlier export session',
          version: '0.9',
          instruction: 'Session 0.9: Earlier export session',
          tags: [],
          usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
          fixAttempts: 0,
        },
      },
    ];
    const result = await planner.plan(input({ library }), { signal: signal() });
    fake.assertDone();
    expect(result.text).toBe(GOOD_INSTRUCTION);
    expect(result.instruction?.version.text).toBe('1.1');
    expect(result.instruction?.name).toBe('Greeting Module');
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(JSON.stringify(fake.requests[0]?.body?.system)).toContain('cache_control');
  });

  it('with maxReasks (opt-in) refuses a planner that writes code and re-asks with the diagnostics', async () => {
    const fake = held(
      await startFakeAnthropic({
        script: [
          { name: 'writes code', reply: reply.text(CODE_WRITING_INSTRUCTION) },
          {
            name: 're-ask',
            match: [match.lastUserContains('[no-code-block]'), match.lastUserContains('Rewrite the whole instruction')],
            reply: reply.text(GOOD_INSTRUCTION),
          },
        ],
      }),
    );
    const planner = new AnthropicPlanner({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, maxReasks: 1 });
    const result = await planner.plan(input(), { signal: signal() });
    fake.assertDone();
    expect(result.text).toBe(GOOD_INSTRUCTION);
    expect(result.instruction).toBeDefined();
    // the re-ask carries the refused answer as the assistant turn
    const second = fake.requests[1]?.body?.messages ?? [];
    expect(second.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(second[1])).toContain('export const greet');
    expect(result.usage.outputTokens).toBe(
      (fake.requests[0]?.usage?.output_tokens ?? 0) + (fake.requests[1]?.usage?.output_tokens ?? 0),
    );
  });

  it('bounds the re-asks and then returns the last answer for the engine to judge', async () => {
    const fake = held(
      await startFakeAnthropic({
        script: [{ reply: reply.text(CODE_WRITING_INSTRUCTION) }, { reply: reply.text(CODE_WRITING_INSTRUCTION) }],
      }),
    );
    const planner = new AnthropicPlanner({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, maxReasks: 1 });
    const result = await planner.plan(input(), { signal: signal() });
    fake.assertDone();
    expect(fake.requests).toHaveLength(2);
    expect(result.text).toContain('```js');
    expect(result.instruction).toBeUndefined();
  });

  it('by default makes one billed call: a bad answer goes back to the engine, which owns the re-asks', async () => {
    const fake = held(await startFakeAnthropic({ script: [{ reply: reply.text(CODE_WRITING_INSTRUCTION) }] }));
    const reported: Usage[] = [];
    const planner = new AnthropicPlanner({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const result = await planner.plan(input(), { signal: signal(), reportUsage: (u) => reported.push(u) });
    fake.assertDone();
    expect(fake.requests).toHaveLength(1);
    expect(result.instruction).toBeUndefined();
    // The call's usage names its model; the planner's total (a sum) does not.
    expect(reported).toEqual([{ ...result.usage, model: 'claude-sonnet-4-6' }]);
  });

  it('never accepts an instruction cut off by max_tokens: planner.truncated, with the usage reported', async () => {
    const cut = `${GOOD_INSTRUCTION.slice(0, GOOD_INSTRUCTION.indexOf('VALIDATION:'))}VALIDATION:\n- A greeting f`;
    const fake = held(await startFakeAnthropic({ script: [{ reply: reply.text(cut, { stopReason: 'max_tokens' }) }] }));
    const reported: Usage[] = [];
    const planner = new AnthropicPlanner({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const err = await planner
      .plan(input(), { signal: signal(), reportUsage: (u) => reported.push(u) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelStopError);
    expect(err).toMatchObject({ code: 'planner.truncated', stopReason: 'max_tokens', retryable: true });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toEqual({ ...(err as ModelStopError).usage, model: 'claude-sonnet-4-6' });
    fake.assertDone();
  });

  it('with maxReasks, a truncated answer is re-asked in full', async () => {
    const fake = held(
      await startFakeAnthropic({
        script: [
          {
            reply: reply.text('Session 1.1: Greeting Module\nOBJECTIVES:\n1. Visitors are gre', {
              stopReason: 'max_tokens',
            }),
          },
          { match: match.lastUserContains('was cut off before its end'), reply: reply.text(GOOD_INSTRUCTION) },
        ],
      }),
    );
    const reported: Usage[] = [];
    const planner = new AnthropicPlanner({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, maxReasks: 1 });
    const result = await planner.plan(input(), { signal: signal(), reportUsage: (u) => reported.push(u) });
    fake.assertDone();
    expect(result.instruction).toBeDefined();
    expect(reported).toHaveLength(2);
  });

  it('a refusal is planner.refusal', async () => {
    const fake = held(
      await startFakeAnthropic({
        script: [{ reply: reply.text('I cannot help with that.', { stopReason: 'refusal' }) }],
      }),
    );
    const planner = new AnthropicPlanner({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    await expect(planner.plan(input(), { signal: signal() })).rejects.toMatchObject({
      code: 'planner.refusal',
      stopReason: 'refusal',
    });
  });

  it('the system prompts open with the markers docs/testing.md tells tests to match on', () => {
    expect(PLANNER_SYSTEM_PROMPT.startsWith('You are the Planner')).toBe(true);
    expect(EXECUTOR_SYSTEM_PROMPT.startsWith('You are the Executor')).toBe(true);
  });

  it('puts the failed verdict into a fix request, and an engine re-ask into the prompt', async () => {
    const fake = held(
      await startFakeAnthropic({
        script: [
          {
            match: [
              match.lastUserContains('Write a FIX session instruction'),
              match.lastUserContains('tests failed'),
              match.lastUserContains('greeting for Ada was "Hi"'),
              match.lastUserContains('[no-file-paths]'),
            ],
            reply: reply.text(GOOD_INSTRUCTION),
          },
        ],
      }),
    );
    const planner = new AnthropicPlanner({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const result = await planner.plan(
      input({
        kind: 'fix',
        failed: {
          instructionText: GOOD_INSTRUCTION,
          attempt: 1,
          verdict: {
            passed: false,
            gates: [
              {
                name: 'tests',
                passed: false,
                durationMs: 10,
                output: '1 failing',
                failures: [{ message: 'tests failed: greeting for Ada was "Hi"' }],
              },
            ],
          },
        },
        rejected: {
          text: 'old',
          diagnostics: [{ code: 'no-file-paths', severity: 'error', message: 'a file path', line: 3, column: 1 }],
        },
      }),
      { signal: signal() },
    );
    fake.assertDone();
    expect(result.instruction).toBeDefined();
  });

  it('cancellation mid-stream surfaces provider.cancelled', async () => {
    const fake = held(
      await startFakeAnthropic({
        faults: [{ kind: 'stall', afterEvents: 4 }],
        script: [{ reply: reply.text(GOOD_INSTRUCTION) }],
      }),
    );
    const planner = new AnthropicPlanner({ apiKey: 'k', baseURL: fake.url });
    const controller = new AbortController();
    const pending = planner.plan(input(), { signal: controller.signal }).catch((e: unknown) => e);
    await expect.poll(() => fake.requests.length, { timeout: 5000 }).toBe(1);
    controller.abort();
    const err = await pending;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'provider.cancelled' });
    await expect.poll(() => fake.requests[0]?.aborted, { timeout: 5000 }).toBe(true);
  });
  it('judges with the lint rule overrides it is given', async () => {
    const fake = held(await startFakeAnthropic({ script: [{ reply: reply.text(CODE_WRITING_INSTRUCTION) }] }));
    const planner = new AnthropicPlanner({
      apiKey: 'k',
      baseURL: fake.url,
      maxRetries: 0,
      lintRules: { 'no-code-block': 'off', 'no-file-contents': 'off' },
    });
    const result = await planner.plan(input(), { signal: signal() });
    fake.assertDone();
    expect(fake.requests).toHaveLength(1);
    expect(result.instruction).toBeDefined();
  });
});
