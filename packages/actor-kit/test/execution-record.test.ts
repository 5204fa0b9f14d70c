import { emptyUsage } from '@sessionhub/core';
import { releaseAfterTest, tempSandboxes } from '@sessionhub/core/testing';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ModelStopError, recordExecution } from '../src/index.js';

// The real embedded sandbox, bubblewrap required: the record meters and snapshots through the Sandbox port.
const sandboxes = tempSandboxes(() => new ProcessSandboxProvider({ isolation: 'bubblewrap' }), {
  prefix: 'sessionhub-actor-kit-record-',
});

const usage = { ...emptyUsage(), inputTokens: 7, outputTokens: 3 };

describe('recordExecution, on a real sandbox', () => {
  it('reports the files noted as changed so far, and at the finish also those that differ from the start', async () => {
    const sandbox = releaseAfterTest(onTestFinished, await sandboxes.create({ 'keep.txt': 'same\n', 'b.txt': 'b\n' }));
    const record = await recordExecution(sandbox, { signal: new AbortController().signal, secrets: [] });
    record.changed('z.txt');
    // The metered sandbox's methods are the sandbox's own, bound once (not a new function at every access).
    expect(record.sandbox.writeFile).toBe(record.sandbox.writeFile);
    await record.sandbox.writeFile('z.txt', 'noted\n');
    await record.sandbox.exec(['sh', '-c', 'echo changed > b.txt && echo new > a.txt'], {});
    expect(record.report('so far', usage, 1).changedFiles).toEqual(['z.txt']);
    const report = await record.finish('done', usage, 2);
    expect(report).toMatchObject({ summary: 'done', changedFiles: ['a.txt', 'b.txt', 'z.txt'], usage, turns: 2 });
  });

  it("sums the resources of the commands run through its sandbox, not of the session sandbox's own", async () => {
    const sandbox = releaseAfterTest(onTestFinished, await sandboxes.create({}));
    const record = await recordExecution(sandbox, { secrets: [] });
    await sandbox.exec(['true'], {});
    const first = await record.sandbox.exec(['sh', '-c', 'echo one'], {});
    const second = await record.sandbox.exec(['sh', '-c', 'echo two'], {});
    expect(first.resources).toBeDefined();
    const { resources } = record.report('x', usage, 1);
    expect(resources?.commands).toBe(2);
    expect(resources?.cpuMs).toBe((first.resources?.cpuMs ?? 0) + (second.resources?.cpuMs ?? 0));
    expect(resources?.peakMemoryBytes).toBe(
      Math.max(first.resources?.peakMemoryBytes ?? 0, second.resources?.peakMemoryBytes ?? 0),
    );
  });

  it('builds a stop error with the secrets redacted from its message and its partial report', async () => {
    const sandbox = releaseAfterTest(onTestFinished, await sandboxes.create({}));
    const record = await recordExecution(sandbox, { secrets: ['sk-secret-123'] });
    record.changed('out.txt');
    const error = record.stop('executor.refusal', 'refused near sk-secret-123', {
      stopReason: 'refusal',
      usage,
      turns: 4,
    });
    expect(error).toBeInstanceOf(ModelStopError);
    expect(error).toMatchObject({
      code: 'executor.refusal',
      message: 'refused near [redacted]',
      stopReason: 'refusal',
      usage,
      retryable: false,
      report: { summary: 'refused near [redacted]', changedFiles: ['out.txt'], usage, turns: 4 },
    });
    expect(
      record.stop('executor.max_tokens', 'cut', { stopReason: 'length', usage, turns: 1, retryable: true }).retryable,
    ).toBe(true);
  });
});
