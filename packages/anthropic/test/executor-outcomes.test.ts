import type { Usage } from '@sessionhub/core';
import { ProviderError } from '@sessionhub/core';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { AnthropicExecutor, ModelStopError } from '../src/index.js';
import { executeInput, progressLog } from './support/fixtures.js';
import { createSandbox, held } from './support/sandbox.js';

const signal = () => AbortSignal.timeout(20_000);

describe('every stop reason has a deliberate outcome', { timeout: 20_000 }, () => {
  it('max_tokens inside a tool call: the cut call is not run, the model is told and continues', async () => {
    const box = await createSandbox();
    const fake = held(
      await startFakeAnthropic({
        script: [
          {
            name: 'cut mid write_file',
            reply: reply.message(
              [
                { type: 'text', text: 'Writing the module.' },
                { type: 'tool_use', name: 'write_file', input: { path: 'big.js', content: 'export const x = ' } },
              ],
              'max_tokens',
            ),
          },
          {
            name: 'continues in smaller steps',
            match: [
              match.lastUserContains('cut off at the limit of 8192 output tokens'),
              match.lastUserContains('inside a call of write_file, which was not run'),
            ],
            reply: reply.toolUse('write_file', { path: 'big.js', content: 'export const x = 1;\n' }),
          },
          { match: match.toolResult({ name: 'write_file', isError: false }), reply: reply.text('Wrote big.js.') },
        ],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const report = await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    fake.assertDone(); // the strict fake accepted every request: no tool_use was left without its result
    expect(report.summary).toBe('Wrote big.js.');
    expect(await box.readFile('big.js')).toBe('export const x = 1;\n');
  });

  it('max_tokens past maxTokenContinuations is executor.max_tokens, with a partial report and the usage', async () => {
    const box = await createSandbox();
    const cut = reply.text('Here is a very long summ', { stopReason: 'max_tokens' });
    const fake = held(await startFakeAnthropic({ script: [{ reply: cut }, { reply: cut }] }));
    const reported: Usage[] = [];
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, maxTokenContinuations: 1 });
    const err = await executor
      .execute(executeInput(), box, { signal: signal(), emit: () => {}, reportUsage: (u) => reported.push(u) })
      .catch((e: unknown) => e);
    fake.assertDone();
    expect(err).toBeInstanceOf(ModelStopError);
    expect(err).toMatchObject({ code: 'executor.max_tokens', stopReason: 'max_tokens', retryable: true });
    const stop = err as ModelStopError;
    expect(stop.report?.turns).toBe(2);
    expect(stop.report?.summary).toMatch(/cut off at max_tokens \(8192\) 2 times in a row/);
    expect(reported).toHaveLength(2);
    expect(stop.usage.outputTokens).toBe(reported[0]!.outputTokens + reported[1]!.outputTokens);
  });

  it('a refusal is executor.refusal (not a finished run with an empty summary)', async () => {
    const box = await createSandbox();
    const fake = held(
      await startFakeAnthropic({ script: [{ reply: reply.text('I will not do this.', { stopReason: 'refusal' }) }] }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    await expect(executor.execute(executeInput(), box, { signal: signal(), emit: () => {} })).rejects.toMatchObject({
      code: 'executor.refusal',
      stopReason: 'refusal',
      retryable: false,
      message: 'the model refused to continue: I will not do this.',
    });
  });

  it('pause_turn sends the conversation back so the model continues its turn', async () => {
    const box = await createSandbox();
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.text('Looking into it \n', { stopReason: 'pause_turn' }) },
          {
            match: match.where('the paused turn is the last message', (r) => r.messages.at(-1)?.role === 'assistant'),
            reply: reply.text('Done after the pause.'),
          },
        ],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const report = await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    fake.assertDone();
    expect(report.summary).toBe('Done after the pause.');
  });
});

describe('usage is reported as it is incurred', { timeout: 20_000 }, () => {
  it('once per call, as each call returns, also when the run then fails', async () => {
    const box = await createSandbox({ 'a.txt': 'alpha' });
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('read_file', { path: 'a.txt' }) },
          { reply: reply.error('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum') },
        ],
      }),
    );
    const log = progressLog();
    const reported: { usage: Usage; toolCallsSoFar: number }[] = [];
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const err = await executor
      .execute(executeInput(), box, {
        signal: signal(),
        emit: log.emit,
        reportUsage: (usage) =>
          reported.push({ usage, toolCallsSoFar: log.events.filter((e) => e.kind === 'tool_call').length }),
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'provider.bad_request' });
    // the first call's tokens were billed and reported before its tool ran; the refused call billed nothing
    expect(reported).toHaveLength(1);
    expect(reported[0]!.toolCallsSoFar).toBe(0);
    expect(reported[0]!.usage.outputTokens).toBe(fake.requests[0]!.usage!.output_tokens);
    expect(reported[0]!.usage.costUsd).toBeGreaterThan(0);
  });

  it('an unpriced model is reported with costUnknown, warned about through the logger, once', async () => {
    const box = await createSandbox({ 'a.txt': 'alpha' });
    const fake = held(
      await startFakeAnthropic({
        script: [{ reply: reply.toolUse('read_file', { path: 'a.txt' }) }, { reply: reply.text('done') }],
      }),
    );
    const warnings: string[] = [];
    const logger = { error: () => {}, warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {} };
    const executor = new AnthropicExecutor({
      apiKey: 'k',
      baseURL: fake.url,
      maxRetries: 0,
      model: 'claude-opus-4-7',
      logger,
    });
    const report = await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    expect(report.usage).toMatchObject({ costUsd: 0, costUnknown: true });
    expect(report.usage.outputTokens).toBeGreaterThan(0);
    expect(warnings).toEqual([expect.stringContaining('no price for model "claude-opus-4-7"')]);
  });
});
