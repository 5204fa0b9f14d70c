import { createOpenAI } from '@ai-sdk/openai';
import { executeInputOf, recordProgress } from '@sessionhub/core/testing';
import { chatMatch, chatReply, startFakeOpenAI } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { AiSdkExecutor } from '../src/index.js';
import { createSandbox, GOOD_INSTRUCTION, held } from './support.js';

const KEY = 'sk-openai-resources-secret';
const MiB = 1024 * 1024;

describe('AiSdkExecutor resource use', { timeout: 60_000 }, () => {
  it('sums what its commands took from the host into the report (a real bubblewrap sandbox)', async () => {
    const fake = held(
      await startFakeOpenAI({
        apiKey: KEY,
        script: [
          // At least 200 ms of CPU on perl's own clock and a 2 MiB file, in one command.
          {
            reply: chatReply.toolCall('run_command', {
              command: "perl -e '1 while (times)[0] < 0.2' && head -c 2097152 /dev/zero > out.bin",
            }),
          },
          {
            match: chatMatch.toolResult({ name: 'run_command', contains: 'exit code 0' }),
            reply: chatReply.toolCall('run_command', { command: 'true' }),
          },
          { match: chatMatch.toolResult({ name: 'run_command' }), reply: chatReply.text('done') },
        ],
      }),
    );
    const model = createOpenAI({ apiKey: KEY, baseURL: fake.url }).chat('gpt-4.1');
    const sandbox = await createSandbox();
    const log = recordProgress();
    const report = await new AiSdkExecutor({ model }).execute(
      executeInputOf(GOOD_INSTRUCTION, { sessionId: 'ses_resources' }),
      sandbox,
      { signal: AbortSignal.timeout(50_000), emit: log.emit },
    );
    fake.assertDone();
    expect(report.resources?.commands).toBe(2);
    expect(report.resources?.cpuMs).toBeGreaterThanOrEqual(150);
    expect(report.resources?.bytesWritten).toBeGreaterThanOrEqual(2 * MiB);
    const perCommand = log.events.filter((e) => e.kind === 'output').map((e) => e.data?.resources);
    expect(perCommand).toHaveLength(2);
  });
});
