import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CancelledError, ProviderError, type Sandbox, type Usage } from '@sessionhub/core';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it, vi } from 'vitest';
import { bundledClaudeCodeExecutable, ClaudeCodeError, ClaudeCodeExecutor, EXECUTOR_PREAMBLE } from '../src/index.js';
import { executeInput, INSTRUCTION_TEXT, progressLog } from './support/fixtures.js';
import { createSandbox, held } from './support/sandbox.js';

// A canary key: it must reach the fake (which checks it) and nothing else.
const KEY = 'sk-ant-canary-7c1f9d2e';

const signal = () => AbortSignal.timeout(25_000);

/** Command lines of the processes in the sandbox that run the Claude Code executable. */
async function claudeProcessesIn(box: Sandbox): Promise<string[]> {
  const result = await box.exec([
    '/bin/sh',
    '-c',
    'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline 2>/dev/null; echo; done',
  ]);
  const lines = result.stdout.split('\n').filter((line) => line.trim() !== '');
  // The listing itself must have seen processes (at least its own shell), or the check would prove nothing.
  expect(lines.length).toBeGreaterThan(0);
  const executable = bundledClaudeCodeExecutable() ?? 'claude';
  return lines.filter((line) => line.startsWith(executable));
}

/** Text of a request's messages, for checking what Claude Code sent. */
function messagesText(body: unknown): string {
  return JSON.stringify((body as { messages?: unknown }).messages ?? []);
}

describe('ClaudeCodeExecutor against the fake Messages API (real Claude Code executable)', { timeout: 30_000 }, () => {
  it('writes a file with its Write tool, ends with text, and reports progress, files, usage and cost', async () => {
    const box = await createSandbox({ 'README.md': 'demo\n' });
    const target = join(box.workspace, 'hello.txt');
    // Claude Code runs in the sandbox: it names files as it sees them there.
    const inside = `${box.mountPoint}/hello.txt`;
    const fake = held(
      await startFakeAnthropic({
        apiKey: KEY,
        script: [
          {
            name: 'write',
            match: [match.lastUserContains(EXECUTOR_PREAMBLE.slice(0, 60)), match.lastUserContains(INSTRUCTION_TEXT)],
            reply: reply.toolUse('Write', { file_path: inside, content: 'hello, visitor\n' }, { text: 'Writing it.' }),
          },
          {
            name: 'report',
            match: match.toolResult({ name: 'Write', isError: false }),
            reply: reply.text('Created hello.txt with a greeting.'),
          },
        ],
      }),
    );
    const log = progressLog();
    const executor = new ClaudeCodeExecutor({ apiKey: KEY, baseURL: fake.url, permissionMode: 'acceptEdits' });
    const calls: Usage[] = [];
    const report = await executor.execute(executeInput(), box, {
      signal: signal(),
      emit: log.emit,
      reportUsage: (u) => calls.push(u),
    });

    fake.assertDone();
    expect(await readFile(target, 'utf8')).toBe('hello, visitor\n');
    // one report per model call, as it streams: its input and cache tokens (the cost comes with the result)
    expect(calls.map((u) => [u.inputTokens, u.cacheReadTokens, u.cacheWriteTokens])).toEqual(
      fake.requests.map((r) => [
        r.usage?.input_tokens,
        r.usage?.cache_read_input_tokens,
        r.usage?.cache_creation_input_tokens,
      ]),
    );
    // ... and the model that answered it (analytics groups sessions by it)
    expect(calls.map((u) => u.model)).toEqual(fake.requests.map((r) => r.body?.model));
    expect(calls.every((u) => typeof u.model === 'string' && u.model !== '')).toBe(true);
    expect(report.summary).toBe('Created hello.txt with a greeting.');
    expect(report.changedFiles).toEqual(['hello.txt']);
    expect(report.turns).toBe(2);
    expect(report.usage.outputTokens).toBeGreaterThan(0);
    // The fake simulates prompt caching: Claude Code marks breakpoints, the second call reads the first's prefix.
    expect(report.usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(report.usage.cacheReadTokens).toBeGreaterThan(0);
    expect(report.usage.costUsd).toBeGreaterThan(0);
    const reported = fake.requests.map((r) => r.usage);
    expect(report.usage.cacheReadTokens).toBe(reported.reduce((s, u) => s + (u?.cache_read_input_tokens ?? 0), 0));

    expect(log.events.map((e) => e.kind)).toEqual([
      'output',
      'message',
      'tool_call',
      'tool_result',
      'file_change',
      'message',
      'output',
    ]);
    expect(log.events[2]).toMatchObject({ kind: 'tool_call', data: { tool: 'Write', input: `${inside} (15 chars)` } });
    expect(log.events[3]).toMatchObject({ kind: 'tool_result', data: { tool: 'Write', isError: false } });
    expect(log.events[4]).toMatchObject({ kind: 'file_change', message: 'hello.txt' });
    expect(log.events[5]).toMatchObject({ kind: 'message', message: 'Created hello.txt with a greeting.' });
    // The model proxy forwarded both calls and reports what it saw.
    expect(log.events[6]).toMatchObject({
      kind: 'output',
      message: 'model proxy: 2 requests forwarded, 0 refused',
      data: { proxy: { requests: 2, refused: 0 } },
    });

    // What Claude Code really sent.
    expect(fake.requests).toHaveLength(2);
    for (const r of fake.requests) {
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/v1/messages?beta=true');
      expect(r.stream).toBe(true);
      expect(r.status).toBe(200);
      expect(r.headers['x-api-key']).toBe('[redacted]');
    }
    const first = fake.requests[0]?.body as { tools?: { name: string }[]; model?: string };
    expect(first.tools?.map((t) => t.name)).toEqual(expect.arrayContaining(['Write', 'Edit', 'Read', 'Bash']));
    expect(messagesText(first)).toContain('Session 1.1: Greeting File');
    expect(messagesText(fake.requests[1]?.body)).toContain('toolu_fake_0_1');

    expect(JSON.stringify(log.events)).not.toContain(KEY);
    expect(JSON.stringify(report)).not.toContain(KEY);
  });

  it('runs an allowed Bash command and finds the file it made through the workspace listing', async () => {
    const box = await createSandbox({ 'README.md': 'demo\n' });
    const fake = held(
      await startFakeAnthropic({
        apiKey: KEY,
        script: [
          {
            match: match.lastUserContains('Session 1.1'),
            reply: reply.toolUse('Bash', { command: 'echo made > made-by-bash.txt && cat made-by-bash.txt' }),
          },
          { match: match.toolResult({ name: 'Bash', contains: 'made' }), reply: reply.text('Done.') },
        ],
      }),
    );
    const log = progressLog();
    const executor = new ClaudeCodeExecutor({
      apiKey: KEY,
      baseURL: fake.url,
      allowedTools: ['Bash'],
      model: 'claude-sonnet-4-5',
    });
    const report = await executor.execute(executeInput(), box, { signal: signal(), emit: log.emit });

    fake.assertDone();
    expect(await readFile(join(box.workspace, 'made-by-bash.txt'), 'utf8')).toBe('made\n');
    expect(report.changedFiles).toEqual(['made-by-bash.txt']);
    expect(log.events.find((e) => e.kind === 'tool_call')).toMatchObject({
      data: { tool: 'Bash', input: 'echo made > made-by-bash.txt && cat made-by-bash.txt' },
    });
    expect(((fake.requests[0]?.body ?? {}) as { model?: string }).model).toBe('claude-sonnet-4-5');
  });

  it('fails with claude_code.max_turns when the turn limit is reached', async () => {
    const box = await createSandbox();
    const fake = held(
      await startFakeAnthropic({
        script: [
          {
            match: match.lastUserContains('Session 1.1'),
            reply: reply.toolUse('Write', { file_path: `${box.mountPoint}/a.txt`, content: 'a\n' }),
          },
          { match: match.toolResult({ name: 'Write' }), reply: reply.text('never reached') },
        ],
      }),
    );
    const executor = new ClaudeCodeExecutor({ apiKey: KEY, baseURL: fake.url, maxTurns: 1 });
    const err = await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClaudeCodeError);
    expect(err).toMatchObject({ code: 'claude_code.max_turns', retryable: false });
    expect(String((err as Error).message)).not.toContain(KEY);
  });

  it('maps a refused API key to provider.auth without leaking the key', async () => {
    const box = await createSandbox();
    const fake = held(
      await startFakeAnthropic({ apiKey: 'sk-ant-the-right-one', script: [{ reply: reply.text('never') }] }),
    );
    const log = progressLog();
    const executor = new ClaudeCodeExecutor({ apiKey: KEY, baseURL: fake.url, maxRetries: 1 });
    const err = await executor.execute(executeInput(), box, { signal: signal(), emit: log.emit }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'provider.auth', status: 401, retryable: false });
    // Claude Code retries even a 401; maxRetries: 1 makes that one retry, reported as progress.
    expect(fake.requests.map((r) => r.status)).toEqual([401, 401]);
    expect(log.events.find((e) => e.message.includes('retry 1 of 1'))).toMatchObject({
      kind: 'output',
      data: { status: 401 },
    });
    expect(`${(err as Error).message} ${JSON.stringify(log.events)}`).not.toContain(KEY);
  });

  it('cancels mid-run through the abort signal: CancelledError, and the model stream is closed', async () => {
    const box = await createSandbox();
    // The first call streams a few events, then hangs until the client goes away.
    const fake = held(
      await startFakeAnthropic({
        faults: [{ kind: 'stall', afterEvents: 2 }],
        script: [{ reply: reply.text('x') }],
      }),
    );
    const controller = new AbortController();
    const watcher = setInterval(() => {
      if (fake.requests.length) controller.abort(new Error('user cancelled'));
    }, 20);
    try {
      const executor = new ClaudeCodeExecutor({ apiKey: KEY, baseURL: fake.url });
      const err = await executor.execute(executeInput(), box, { signal: controller.signal, emit: () => {} }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CancelledError);
      expect(err).toMatchObject({ code: 'session.cancelled' });
    } finally {
      clearInterval(watcher);
    }
    await vi.waitFor(() => expect(fake.requests[0]?.aborted).toBe(true), { timeout: 10_000 });
    // The Claude Code process is gone: nothing of it runs in the sandbox any more.
    await vi.waitFor(async () => expect(await claudeProcessesIn(box)).toEqual([]), { timeout: 10_000 });
  });

  it('refuses to start on an already aborted signal', async () => {
    const box = await createSandbox();
    const executor = new ClaudeCodeExecutor({ apiKey: KEY, baseURL: 'http://127.0.0.1:9' });
    await expect(
      executor.execute(executeInput(), box, { signal: AbortSignal.abort(), emit: () => {} }),
    ).rejects.toBeInstanceOf(CancelledError);
  });
});
