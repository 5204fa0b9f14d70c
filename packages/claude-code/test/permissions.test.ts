import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { type FakeAnthropic, match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ClaudeCodeError, ClaudeCodeExecutor } from '../src/index.js';
import { executeInput, progressLog } from './support/fixtures.js';
import { createSandbox, held } from './support/sandbox.js';

const KEY = 'sk-ant-canary-perm-93ad';
// A host variable Claude Code must not see: the executor never passes the host environment on.
const HOST_SECRET = 'host-secret-value-5e0c';

// acceptEdits auto-approves plain file commands (touch, mkdir, ...) in the workspace; running a program is not.
const DENIED_COMMAND = `node -e "require('fs').writeFileSync('denied.txt', 'x')"`;

const signal = () => AbortSignal.timeout(25_000);

/** The text of the tool result the fake received in request `i`. */
function toolResultSent(fake: FakeAnthropic, i: number): string {
  const messages =
    ((fake.requests[i]?.body ?? {}) as { messages?: { role: string; content: unknown }[] }).messages ?? [];
  return JSON.stringify(messages.at(-1)?.content ?? '');
}

describe('permission modes, allowed tools and the environment', { timeout: 30_000 }, () => {
  it('acceptEdits (the default) refuses a Bash command that allowedTools does not list', async () => {
    const box = await createSandbox();
    const fake = held(
      await startFakeAnthropic({
        script: [
          { match: match.lastUserContains('Session 1.1'), reply: reply.toolUse('Bash', { command: DENIED_COMMAND }) },
          { match: match.toolResult({ name: 'Bash', isError: true }), reply: reply.text('Could not run it.') },
        ],
      }),
    );
    const log = progressLog();
    const report = await new ClaudeCodeExecutor({ apiKey: KEY, baseURL: fake.url }).execute(executeInput(), box, {
      signal: signal(),
      emit: log.emit,
    });
    fake.assertDone();
    await expect(access(join(box.workspace, 'denied.txt'))).rejects.toThrow();
    expect(report.changedFiles).toEqual([]);
    expect(log.events.find((e) => e.kind === 'tool_result')).toMatchObject({ data: { tool: 'Bash', isError: true } });
    expect(log.events.find((e) => e.message === 'permission denied for Bash')).toMatchObject({ kind: 'output' });
  });

  it('bypassPermissions runs any tool (as root too) and Claude Code sees only the environment it is given', async () => {
    process.env.SESSIONHUB_TEST_HOST_SECRET = HOST_SECRET;
    onTestFinished(() => {
      delete process.env.SESSIONHUB_TEST_HOST_SECRET;
    });
    const box = await createSandbox();
    const fake = held(
      await startFakeAnthropic({
        script: [
          {
            match: match.lastUserContains('Session 1.1'),
            reply: reply.toolUse('Bash', { command: 'env; touch ran.txt' }),
          },
          { match: match.toolResult({ name: 'Bash', isError: false }), reply: reply.text('Ran it.') },
        ],
      }),
    );
    const log = progressLog();
    const executor = new ClaudeCodeExecutor({
      apiKey: KEY,
      baseURL: fake.url,
      permissionMode: 'bypassPermissions',
      env: { GREETING_STYLE: 'warm' },
    });
    const report = await executor.execute(executeInput(), box, { signal: signal(), emit: log.emit });
    fake.assertDone();
    expect(report.changedFiles).toEqual(['ran.txt']);
    const envSeen = toolResultSent(fake, 1);
    expect(envSeen).toContain('GREETING_STYLE=warm');
    expect(envSeen).not.toContain(HOST_SECRET);
    expect(envSeen).not.toContain('SESSIONHUB_TEST_HOST_SECRET');
    // Whatever a command prints, the key never reaches the progress events.
    expect(JSON.stringify(log.events)).not.toContain(KEY);
  });

  it('refuses a Claude Code executable the sandbox cannot see (claude_code.not_in_sandbox) without leaking the key', async () => {
    const box = await createSandbox();
    const executor = new ClaudeCodeExecutor({
      apiKey: KEY,
      baseURL: 'http://127.0.0.1:9',
      pathToClaudeCodeExecutable: join(box.workspace, 'no-such-claude'),
    });
    const err = await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClaudeCodeError);
    expect(err).toMatchObject({ code: 'claude_code.not_in_sandbox' });
    expect((err as Error).message).toContain('no-such-claude');
    expect((err as Error).message).not.toContain(KEY);
  });

  it("runIn: 'host' reports a Claude Code executable that cannot start as claude_code.process", async () => {
    const box = await createSandbox();
    const executor = new ClaudeCodeExecutor({
      apiKey: KEY,
      baseURL: 'http://127.0.0.1:9',
      runIn: 'host',
      pathToClaudeCodeExecutable: join(box.workspace, 'no-such-claude'),
    });
    const err = await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClaudeCodeError);
    expect(err).toMatchObject({ code: 'claude_code.process' });
    expect((err as Error).message).not.toContain(KEY);
  });
});
