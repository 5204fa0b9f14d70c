import { addHostResources, emptyHostResources, type HostResources } from '@sessionhub/core';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { AnthropicExecutor } from '../src/index.js';
import { executeInput, progressLog } from './support/fixtures.js';
import { createSandbox, held } from './support/sandbox.js';

const MiB = 1024 * 1024;

describe('AnthropicExecutor resource use', { timeout: 60_000 }, () => {
  it('sums what its commands took from the host into the report, one progress detail per command', async () => {
    const box = await createSandbox();
    const fake = held(
      await startFakeAnthropic({
        script: [
          // At least 200 ms of CPU (a loop on perl's own CPU clock), then a 2 MiB write.
          { reply: reply.toolUse('run_command', { command: "perl -e '1 while (times)[0] < 0.2'" }) },
          {
            match: match.toolResult({ name: 'run_command', contains: 'exit code 0' }),
            reply: reply.toolUse('run_command', { command: 'head -c 2097152 /dev/zero > out.bin' }),
          },
          {
            match: match.toolResult({ name: 'run_command', contains: 'exit code 0' }),
            reply: reply.text('Burned some CPU and wrote out.bin.'),
          },
        ],
      }),
    );
    const log = progressLog();
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const report = await executor.execute(executeInput(), box, { signal: AbortSignal.timeout(50_000), emit: log.emit });
    fake.assertDone();

    const resources = report.resources as HostResources;
    expect(resources).toBeDefined();
    expect(resources.commands).toBe(2);
    expect(resources.cpuMs).toBeGreaterThanOrEqual(150);
    expect(resources.bytesWritten).toBeGreaterThanOrEqual(2 * MiB);
    expect(resources.peakMemoryBytes).toBeGreaterThan(0);

    // Each command's own measurement is in its `output` progress event, and they add up to the report's.
    const perCommand = log.events
      .filter((e) => e.kind === 'output')
      .map((e) => e.data?.resources as HostResources | undefined);
    expect(perCommand).toHaveLength(2);
    expect(perCommand.every((r) => r?.commands === 1)).toBe(true);
    const summed = perCommand.reduce<HostResources>(
      (a, r) => addHostResources(a, r as HostResources),
      emptyHostResources(),
    );
    expect(summed).toEqual(resources);
  });
});
