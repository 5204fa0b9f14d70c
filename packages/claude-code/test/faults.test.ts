import { ProviderError } from '@sessionhub/core';
import { type FakeAnthropic, type Fault, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { ClaudeCodeExecutor } from '../src/index.js';
import { executeInput, progressLog } from './support/fixtures.js';
import { createSandbox, held } from './support/sandbox.js';

const KEY = 'sk-ant-canary-fault-20be';

/** Runs the executor with no retries against a fake that serves `fault` first; returns the error and the fake. */
async function failWith(fault: Fault): Promise<{ err: unknown; events: string; fake: FakeAnthropic }> {
  const box = await createSandbox();
  const fake = held(
    await startFakeAnthropic({ apiKey: KEY, faults: [fault], script: [{ reply: reply.text('unused') }] }),
  );
  const log = progressLog();
  const err = await new ClaudeCodeExecutor({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 })
    .execute(executeInput(), box, { signal: AbortSignal.timeout(25_000), emit: log.emit })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  return { err, events: JSON.stringify(log.events), fake };
}

describe('model API failures inside Claude Code become typed provider errors', { timeout: 30_000 }, () => {
  it.each([
    [{ kind: 'overloaded', retryAfterMs: 1 } as Fault, 'provider.overloaded', 529],
    [{ kind: 'rate_limit', retryAfterMs: 1 } as Fault, 'provider.rate_limited', 429],
    [{ kind: 'server_error', retryAfterMs: 1 } as Fault, 'provider.server_error', 500],
    [{ kind: 'drop_mid_stream', afterEvents: 3 } as Fault, 'provider.connection', undefined],
  ])('%o → %s', async (fault, code, status) => {
    const { err, events, fake } = await failWith(fault);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code, status, retryable: true });
    expect(`${(err as Error).message} ${events}`).not.toContain(KEY);
    expect(fake.requests[0]?.fault).toBeDefined();
  });
});
