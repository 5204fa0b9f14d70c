import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { ClaudeCodeExecutor } from '../src/index.js';
import { executeInput, progressLog } from './support/fixtures.js';
import { createSandbox, held } from './support/sandbox.js';

const KEY = 'sk-ant-resources-3b7e10';
const MiB = 1024 * 1024;

describe('ClaudeCodeExecutor resource use (real Claude Code executable)', { timeout: 60_000 }, () => {
  it('reports what Claude Code and its tools took from the host in its report', async () => {
    const box = await createSandbox();
    const fake = held(
      await startFakeAnthropic({
        apiKey: KEY,
        script: [
          {
            name: 'burn',
            match: match.lastUserContains('Session 1.1'),
            // At least 300 ms of CPU on perl's own clock, then a 3 MiB file: both are Claude Code's descendants.
            reply: reply.toolUse('Bash', {
              command: "perl -e '1 while (times)[0] < 0.3' && head -c 3145728 /dev/zero > big.bin && echo burned",
            }),
          },
          {
            name: 'report',
            match: match.toolResult({ name: 'Bash', contains: 'burned' }),
            reply: reply.text('Burned CPU and wrote big.bin.'),
          },
        ],
      }),
    );
    const log = progressLog();
    const executor = new ClaudeCodeExecutor({ apiKey: KEY, baseURL: fake.url, permissionMode: 'bypassPermissions' });
    const report = await executor.execute(executeInput(), box, { signal: AbortSignal.timeout(50_000), emit: log.emit });
    fake.assertDone();
    expect((await stat(join(box.workspace, 'big.bin'))).size).toBe(3 * MiB);
    // One process (Claude Code), whose waited-for descendants include the Bash tool's commands.
    expect(report.resources?.commands).toBe(1);
    expect(report.resources?.cpuMs).toBeGreaterThanOrEqual(300);
    expect(report.resources?.bytesWritten).toBeGreaterThanOrEqual(3 * MiB);
    // Claude Code itself is a large process: its peak is far above the tools'.
    expect(report.resources?.peakMemoryBytes).toBeGreaterThan(50 * MiB);
  });
});
