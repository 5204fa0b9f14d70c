import { CancelledError, ProviderError, type Sandbox } from '@sessionhub/core';
import { type FakeAnthropic, type Fault, reply, startFakeAnthropic } from '@sessionhub/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicExecutor } from '../src/index.js';
import { executeInput, progressLog } from './support/fixtures.js';
import { createSandbox } from './support/sandbox.js';

let fake: FakeAnthropic | undefined;
let box: Sandbox | undefined;
afterEach(async () => {
  await fake?.close();
  await box?.dispose();
  fake = undefined;
  box = undefined;
});

async function run(faults: Fault[], opts: { maxRetries?: number; apiKey?: string } = {}) {
  // a test may run twice: release the previous run's server and sandbox first
  await fake?.close();
  await box?.dispose();
  box = await createSandbox({ 'a.txt': 'alpha' });
  fake = await startFakeAnthropic({
    faults,
    script: [{ reply: reply.toolUse('read_file', { path: 'a.txt' }) }, { reply: reply.text('done') }],
  });
  const log = progressLog();
  const executor = new AnthropicExecutor({
    apiKey: opts.apiKey ?? 'k',
    baseURL: fake.url,
    maxRetries: opts.maxRetries ?? 2,
  });
  const result = await executor
    .execute(executeInput(), box, { signal: AbortSignal.timeout(15_000), emit: log.emit })
    .catch((e: unknown) => e);
  return { result, log, executor };
}

describe('faults: retried within the budget, then typed errors, never a hang', { timeout: 20_000 }, () => {
  it.each<[string, Fault]>([
    ['429 with retry-after', { kind: 'rate_limit', retryAfterS: 0.01 }],
    ['500', { kind: 'server_error', retryAfterMs: 1 }],
    ['529 overloaded', { kind: 'overloaded', retryAfterMs: 1 }],
    ['slow first byte', { kind: 'slow_first_byte', delayMs: 150 }],
  ])('%s is absorbed by the SDK retry', async (_name, fault) => {
    const { result } = await run([fault]);
    expect(result).toMatchObject({ summary: 'done', turns: 2 });
    fake?.assertDone();
  });

  it.each<[string, Fault, string, number | undefined]>([
    ['429', { kind: 'rate_limit', retryAfterS: 0.01 }, 'provider.rate_limited', 429],
    ['500', { kind: 'server_error', retryAfterMs: 1 }, 'provider.server_error', 500],
    ['529', { kind: 'overloaded', retryAfterMs: 1 }, 'provider.overloaded', 529],
    ['401', { kind: 'error', status: 401, errorType: 'authentication_error' }, 'provider.auth', 401],
    ['400', { kind: 'error', status: 400, errorType: 'invalid_request_error' }, 'provider.bad_request', 400],
  ])('%s past the retry budget is a ProviderError %s', async (_name, fault, code, status) => {
    const { result } = await run([fault, fault, fault], { maxRetries: 2 });
    expect(result).toBeInstanceOf(ProviderError);
    expect(result).toMatchObject({ code, status });
    const retries = status === 401 || status === 400 ? 1 : 3;
    expect(fake?.requests).toHaveLength(retries);
  });

  it('a dropped stream is provider.connection and the session can be resumed', async () => {
    const { result, executor } = await run([{ kind: 'drop_mid_stream', afterEvents: 3 }], { maxRetries: 0 });
    expect(result).toBeInstanceOf(ProviderError);
    expect(result).toMatchObject({ code: 'provider.connection', retryable: true });
    // resume: the turn was not consumed, a second execution completes against the same script
    const report = await executor.execute(executeInput(), box!, {
      signal: AbortSignal.timeout(15_000),
      emit: () => {},
    });
    expect(report.summary).toBe('done');
    fake?.assertDone();
  });

  it('a first byte slower than timeoutMs is provider.timeout', async () => {
    box = await createSandbox({ 'a.txt': 'alpha' });
    fake = await startFakeAnthropic({
      faults: [{ kind: 'slow_first_byte', delayMs: 5000 }],
      script: [{ reply: reply.text('late') }],
    });
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, timeoutMs: 200 });
    const result = await executor
      .execute(executeInput(), box, { signal: AbortSignal.timeout(15_000), emit: () => {} })
      .catch((e: unknown) => e);
    expect(result).toBeInstanceOf(ProviderError);
    expect(result).toMatchObject({ code: 'provider.timeout', retryable: true });
  });

  it('malformed SSE is a typed ProviderError', async () => {
    const { result } = await run([{ kind: 'malformed_sse' }], { maxRetries: 0 });
    expect(result).toBeInstanceOf(ProviderError);
    expect((result as ProviderError).code).toBe('provider.bad_response');
  });

  it('cancellation mid-stream aborts the HTTP stream and surfaces provider.cancelled', async () => {
    box = await createSandbox({ 'a.txt': 'alpha' });
    fake = await startFakeAnthropic({
      faults: [{ kind: 'stall', afterEvents: 3 }],
      script: [{ reply: reply.text('never') }],
    });
    const controller = new AbortController();
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 2 });
    const pending = executor
      .execute(executeInput(), box, { signal: controller.signal, emit: () => {} })
      .catch((e: unknown) => e);
    await expect.poll(() => fake?.requests.length, { timeout: 5000 }).toBe(1);
    controller.abort();
    const result = await pending;
    expect(result).toBeInstanceOf(ProviderError);
    expect(result).toMatchObject({ code: 'provider.cancelled' });
    await expect.poll(() => fake?.requests[0]?.aborted, { timeout: 5000 }).toBe(true);
    expect(fake.requests).toHaveLength(1); // an abort is never retried
  });

  it('the API key never appears in errors or progress events (canary)', async () => {
    const canary = 'sk-ant-canary-0f9e8d7c6b5a';
    const failing = await run(
      [{ kind: 'error', status: 401, errorType: 'authentication_error', message: `bad key ${canary}` }],
      {
        apiKey: canary,
      },
    );
    expect(failing.result).toBeInstanceOf(ProviderError);
    const err = failing.result as ProviderError;
    expect(`${err.message} ${String(err.cause)} ${JSON.stringify(err)} ${err.stack}`).not.toContain(canary);
    const ok = await run([], { apiKey: canary });
    expect(ok.result).toMatchObject({ summary: 'done' });
    expect(JSON.stringify(ok.log.events)).not.toContain(canary);
    expect(JSON.stringify(fake?.requests)).not.toContain(canary);
  });
  it('cancellation during a tool call kills the command and surfaces CancelledError', async () => {
    box = await createSandbox();
    fake = await startFakeAnthropic({ script: [{ reply: reply.toolUse('run_command', { command: 'sleep 30' }) }] });
    const log = progressLog();
    const controller = new AbortController();
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const pending = executor
      .execute(executeInput(), box, { signal: controller.signal, emit: log.emit })
      .catch((e: unknown) => e);
    await expect.poll(() => log.events.some((e) => e.kind === 'tool_call'), { timeout: 5000 }).toBe(true);
    controller.abort();
    const result = await pending;
    expect(result).toBeInstanceOf(CancelledError);
    expect(fake.requests).toHaveLength(1);
  });
});
