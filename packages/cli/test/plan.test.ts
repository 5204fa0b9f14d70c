import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { cliEnv, runCli, tempDir } from './support/cli.js';
import { GREETING_INSTRUCTION, REQUEST } from './support/greeter-script.js';

const KEY = 'sk-ant-cli-plan-key-0123456789';

async function planWith(answer: string): Promise<{ code: number | null; stdout: string; request: string }> {
  const fake = await startFakeAnthropic({
    apiKey: KEY,
    script: [
      {
        match: [match.systemContains('You are the Planner'), match.lastUserContains('Use version 1.1')],
        reply: reply.text(answer),
      },
    ],
  });
  onTestFinished(() => fake.close());
  const dir = await tempDir('sessionhub-plan-');
  await mkdir(join(dir, '.sessionhub'));
  await writeFile(join(dir, '.sessionhub', 'config.json'), JSON.stringify({ model: { baseURL: fake.url } }));
  await writeFile(join(dir, 'FOUNDATION.md'), '# Greeter\n\n**Current Version:** 1.0\n');
  const run = await runCli(['-C', dir, 'plan', REQUEST], { env: cliEnv({ ANTHROPIC_API_KEY: KEY }) });
  fake.assertDone();
  return { code: run.code, stdout: run.stdout, request: JSON.stringify(fake.requests[0]?.body) };
}

describe('sessionhub plan', () => {
  it('prints the instruction the planner wrote for the next Foundation version, and no finding: exit 0', async () => {
    const { code, stdout, request } = await planWith(GREETING_INSTRUCTION);
    expect(code).toBe(0);
    expect(stdout).toContain('Session 1.1: Greeting\nOBJECTIVES:\n1. Visitors are greeted by name');
    expect(stdout).toContain('lint: no findings');
    expect(request).toContain('# Greeter'); // the Foundation document went to the planner
  });

  it('an instruction that writes code: its diagnostics, exit 1', async () => {
    const codeWriting = GREETING_INSTRUCTION.replace(
      'REQUIREMENTS:\n',
      'REQUIREMENTS:\n- Add this helper:\n\n```js\nexport const greet = (n) => "Hello, " + n;\n```\n\n',
    );
    const { code, stdout } = await planWith(codeWriting);
    expect(code).toBe(1);
    expect(stdout).toMatch(/lint:\n {2}\d+:\d+ error \[no-code-block\]/);
  });
});
