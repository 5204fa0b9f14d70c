import { createServer } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { CancelledError, ProviderError } from '@sessionhub/core';
import { type Fault, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it, vi } from 'vitest';
import { AnthropicExecutor, type AnthropicModelOptions } from '../src/index.js';
import { executeInput, progressLog } from './support/fixtures.js';
import { createSandbox, held } from './support/sandbox.js';

/** One executor run (read a.txt, then finish) against a fake that serves `faults` first. */
async function run(faults: Fault[], opts: Partial<AnthropicModelOptions> = {}) {
  const box = await createSandbox({ 'a.txt': 'alpha' });
  const fake = held(
    await startFakeAnthropic({
      faults,
      script: [{ reply: reply.toolUse('read_file', { path: 'a.txt' }) }, { reply: reply.text('done') }],
    }),
  );
  const log = progressLog();
  const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 2, ...opts });
  const result = await executor
    .execute(executeInput(), box, { signal: AbortSignal.timeout(15_000), emit: log.emit })
    .catch((e: unknown) => e);
  return { result, log, executor, fake, box };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

describe('faults: retried within the budget, then typed errors, never a hang', { timeout: 20_000 }, () => {
  it.each<[string, Fault]>([
    ['429 with retry-after', { kind: 'rate_limit', retryAfterS: 0.01 }],
    ['500', { kind: 'server_error', retryAfterMs: 1 }],
    ['529 overloaded', { kind: 'overloaded', retryAfterMs: 1 }],
    ['slow first byte', { kind: 'slow_first_byte', delayMs: 150 }],
  ])('%s is absorbed by the SDK retry', async (_name, fault) => {
    const { result, fake } = await run([fault]);
    expect(result).toMatchObject({ summary: 'done', turns: 2 });
    fake.assertDone();
  });

  it.each<[string, Fault, string, number | undefined]>([
    ['429', { kind: 'rate_limit', retryAfterS: 0.01 }, 'provider.rate_limited', 429],
    ['500', { kind: 'server_error', retryAfterMs: 1 }, 'provider.server_error', 500],
    ['529', { kind: 'overloaded', retryAfterMs: 1 }, 'provider.overloaded', 529],
    ['401', { kind: 'error', status: 401, errorType: 'authentication_error' }, 'provider.auth', 401],
    ['400', { kind: 'error', status: 400, errorType: 'invalid_request_error' }, 'provider.bad_request', 400],
  ])('%s past the retry budget is a ProviderError %s', async (_name, fault, code, status) => {
    const { result, fake } = await run([fault, fault, fault], { maxRetries: 2 });
    expect(result).toBeInstanceOf(ProviderError);
    expect(result).toMatchObject({ code, status });
    const retries = status === 401 || status === 400 ? 1 : 3;
    expect(fake.requests).toHaveLength(retries);
  });

  it('an error event in the middle of a 200 stream is provider.overloaded, and a resume completes', async () => {
    const { result, executor, fake, box } = await run([{ kind: 'stream_error', afterEvents: 4 }], { maxRetries: 0 });
    expect(result).toBeInstanceOf(ProviderError);
    expect(result).toMatchObject({ code: 'provider.overloaded', retryable: true });
    expect(fake.requests[0]).toMatchObject({ status: 200, fault: 'stream_error' });
    const report = await executor.execute(executeInput(), box, { signal: AbortSignal.timeout(15_000), emit: () => {} });
    expect(report.summary).toBe('done');
    fake.assertDone();
  });

  it('a dropped stream is provider.connection and the session can be resumed', async () => {
    const { result, executor, fake, box } = await run([{ kind: 'drop_mid_stream', afterEvents: 3 }], {
      maxRetries: 0,
    });
    expect(result).toBeInstanceOf(ProviderError);
    expect(result).toMatchObject({ code: 'provider.connection', retryable: true });
    // resume: the turn was not consumed, a second execution completes against the same script
    const report = await executor.execute(executeInput(), box, { signal: AbortSignal.timeout(15_000), emit: () => {} });
    expect(report.summary).toBe('done');
    fake.assertDone();
  });

  it('a refused connection says where (query stripped) and why (ECONNREFUSED)', async () => {
    const box = await createSandbox({ 'a.txt': 'alpha' });
    const port = await closedPort();
    const executor = new AnthropicExecutor({
      apiKey: 'k',
      baseURL: `http://127.0.0.1:${port}/v1-proxy?token=abc`,
      maxRetries: 0,
    });
    const err = await executor
      .execute(executeInput(), box, { signal: AbortSignal.timeout(15_000), emit: () => {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'provider.connection', retryable: true });
    const message = (err as Error).message;
    expect(message).toContain(`at http://127.0.0.1:${port}/v1-proxy failed (ECONNREFUSED)`);
    expect(`${message} ${String((err as Error).cause)}`).not.toContain('token=abc');
  });

  it('an unresolvable host says so (ENOTFOUND, or EAI_AGAIN where DNS itself is unreachable)', async () => {
    const box = await createSandbox({ 'a.txt': 'alpha' });
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: 'http://no-such-host.invalid', maxRetries: 0 });
    const err = await executor
      .execute(executeInput(), box, { signal: AbortSignal.timeout(15_000), emit: () => {} })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'provider.connection' });
    expect((err as Error).message).toMatch(/at http:\/\/no-such-host\.invalid failed \((ENOTFOUND|EAI_AGAIN)\)/);
  });

  it('a base URL with credentials is named without them, and says why it failed', async () => {
    const box = await createSandbox({ 'a.txt': 'alpha' });
    const executor = new AnthropicExecutor({
      apiKey: 'k',
      baseURL: 'http://user:s3cret-pw@127.0.0.1:9',
      maxRetries: 0,
    });
    const err = await executor
      .execute(executeInput(), box, { signal: AbortSignal.timeout(15_000), emit: () => {} })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'provider.connection' });
    expect((err as Error).message).toContain('at http://127.0.0.1:9 failed (URL_HAS_CREDENTIALS)');
    expect(`${(err as Error).message} ${String((err as Error).cause)} ${(err as Error).stack}`).not.toContain(
      's3cret-pw',
    );
  });

  it('a TLS failure names its code (https to a plain-HTTP server)', async () => {
    const box = await createSandbox({ 'a.txt': 'alpha' });
    const fake = held(await startFakeAnthropic());
    const executor = new AnthropicExecutor({
      apiKey: 'k',
      baseURL: fake.url.replace('http:', 'https:'),
      maxRetries: 0,
    });
    const err = await executor
      .execute(executeInput(), box, { signal: AbortSignal.timeout(15_000), emit: () => {} })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'provider.connection' });
    expect((err as Error).message).toMatch(
      /^connection to the model API at https:\/\/127\.0\.0\.1:\d+ failed \((ERR_SSL_[A-Z_]+|EPROTO)\)/,
    );
  });

  it('a first byte slower than timeoutMs is provider.timeout', async () => {
    const box = await createSandbox({ 'a.txt': 'alpha' });
    const fake = held(
      await startFakeAnthropic({
        faults: [{ kind: 'slow_first_byte', delayMs: 5000 }],
        script: [{ reply: reply.text('late') }],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, timeoutMs: 200 });
    const result = await executor
      .execute(executeInput(), box, { signal: AbortSignal.timeout(15_000), emit: () => {} })
      .catch((e: unknown) => e);
    expect(result).toBeInstanceOf(ProviderError);
    expect(result).toMatchObject({ code: 'provider.timeout', retryable: true });
  });

  it('malformed SSE is a typed ProviderError, and nothing is written to the console', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => {}),
    );
    try {
      const { result } = await run([{ kind: 'malformed_sse' }], { maxRetries: 0 });
      expect(result).toBeInstanceOf(ProviderError);
      expect((result as ProviderError).code).toBe('provider.bad_response');
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('the SDK log lines go to the logger option instead', async () => {
    const lines: string[] = [];
    const logger = { error: (m: string) => lines.push(m), warn: () => {}, info: () => {}, debug: () => {} };
    const { result } = await run([{ kind: 'malformed_sse' }], { maxRetries: 0, logger });
    expect(result).toMatchObject({ code: 'provider.bad_response' });
    expect(lines.some((l) => l.includes('Could not parse message into JSON'))).toBe(true);
  });

  it('cancellation mid-stream aborts the HTTP stream and surfaces provider.cancelled', async () => {
    const box = await createSandbox({ 'a.txt': 'alpha' });
    const fake = held(
      await startFakeAnthropic({
        faults: [{ kind: 'stall', afterEvents: 3 }],
        script: [{ reply: reply.text('never') }],
      }),
    );
    const controller = new AbortController();
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 2 });
    const pending = executor
      .execute(executeInput(), box, { signal: controller.signal, emit: () => {} })
      .catch((e: unknown) => e);
    await expect.poll(() => fake.requests.length, { timeout: 5000 }).toBe(1);
    controller.abort();
    const result = await pending;
    expect(result).toBeInstanceOf(ProviderError);
    expect(result).toMatchObject({ code: 'provider.cancelled' });
    await expect.poll(() => fake.requests[0]?.aborted, { timeout: 5000 }).toBe(true);
    expect(fake.requests).toHaveLength(1); // an abort is never retried
  });

  it('the API key never appears in errors or progress events (canary)', async () => {
    const canary = 'sk-ant-canary-0f9e8d7c6b5a';
    const failing = await run(
      [{ kind: 'error', status: 401, errorType: 'authentication_error', message: `bad key ${canary}` }],
      { apiKey: canary },
    );
    expect(failing.result).toBeInstanceOf(ProviderError);
    const err = failing.result as ProviderError;
    expect(`${err.message} ${String(err.cause)} ${JSON.stringify(err)} ${err.stack}`).not.toContain(canary);
    const ok = await run([], { apiKey: canary });
    expect(ok.result).toMatchObject({ summary: 'done' });
    expect(JSON.stringify(ok.log.events)).not.toContain(canary);
    expect(JSON.stringify(ok.fake.requests)).not.toContain(canary);
  });

  it("with a ready client, the client's key is redacted too", async () => {
    const canary = 'sk-ant-client-canary-77aa31';
    const box = await createSandbox({ 'a.txt': 'alpha' });
    const fake = held(
      await startFakeAnthropic({
        faults: [{ kind: 'error', status: 401, errorType: 'authentication_error', message: `invalid key ${canary}` }],
      }),
    );
    const client = new Anthropic({ apiKey: canary, baseURL: fake.url, maxRetries: 0 });
    const err = await new AnthropicExecutor({ client })
      .execute(executeInput(), box, { signal: AbortSignal.timeout(15_000), emit: () => {} })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'provider.auth' });
    const text = `${(err as Error).message} ${String((err as Error).cause)} ${JSON.stringify(err)} ${(err as Error).stack}`;
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(canary);
  });

  it('cancellation during a tool call kills the command and surfaces CancelledError', async () => {
    const box = await createSandbox();
    const fake = held(
      await startFakeAnthropic({ script: [{ reply: reply.toolUse('run_command', { command: 'sleep 30' }) }] }),
    );
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
