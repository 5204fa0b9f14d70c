import { reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { AnthropicExecutor } from '../src/index.js';
import { executeInput } from './support/fixtures.js';
import { createSandbox, held } from './support/sandbox.js';

const turns = 8;
const script = () => [
  ...Array.from({ length: turns - 1 }, (_, i) => ({ reply: reply.toolUse('read_file', { path: `f${i}.txt` }) })),
  { reply: reply.text('done') },
];
const files = Object.fromEntries(Array.from({ length: turns }, (_, i) => [`f${i}.txt`, `file ${i} `.repeat(200)]));

describe('prompt caching across executor turns', { timeout: 20_000 }, () => {
  it('cache-read tokens grow across turns and the fresh input stays small', async () => {
    const box = await createSandbox(files);
    const fake = held(await startFakeAnthropic({ script: script() }));
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const report = await executor.execute(executeInput(), box, { signal: AbortSignal.timeout(15_000), emit: () => {} });
    fake.assertDone();
    const usages = fake.requests.map((r) => r.usage!);
    const reads = usages.map((u) => u.cache_read_input_tokens);
    expect(reads[0]).toBe(0);
    for (let i = 2; i < reads.length; i++) expect(reads[i]!).toBeGreaterThan(reads[i - 1]!);
    for (const u of usages.slice(1)) expect(u.input_tokens).toBe(0);
    expect(report.usage.cacheReadTokens).toBe(reads.reduce((a, b) => a + b, 0));
    // at most four breakpoints per request, the API's limit
    for (const r of fake.requests)
      expect(JSON.stringify(r.body).split('"cache_control"').length - 1).toBeLessThanOrEqual(4);
  });

  it('with promptCaching off nothing is read from the cache', async () => {
    const box = await createSandbox(files);
    const fake = held(await startFakeAnthropic({ script: script() }));
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, promptCaching: false });
    const report = await executor.execute(executeInput(), box, { signal: AbortSignal.timeout(15_000), emit: () => {} });
    expect(report.usage.cacheReadTokens).toBe(0);
    expect(report.usage.cacheWriteTokens).toBe(0);
  });
});
