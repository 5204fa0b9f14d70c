import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { AnthropicExecutor } from '../src/index.js';
import { executeInput, progressLog } from './support/fixtures.js';
import { createSandbox, held } from './support/sandbox.js';

const signal = () => AbortSignal.timeout(20_000);

describe('AnthropicExecutor tool loop', { timeout: 20_000 }, () => {
  it('runs every tool through the sandbox and reports changes, turns, usage and progress', async () => {
    const box = await createSandbox({
      'src/greet.js': 'export const greet = (name) => "Hi " + name;\n',
      'README.md': 'demo\n',
    });
    const fake = held(
      await startFakeAnthropic({
        script: [
          {
            name: 'task',
            match: match.lastUserContains('Session 1.1: Greeting Module'),
            reply: reply.toolUse('list_files', { recursive: true }),
          },
          {
            match: match.toolResult({ name: 'list_files', contains: 'src/greet.js' }),
            reply: reply.toolUse('read_file', { path: 'src/greet.js' }),
          },
          {
            match: match.toolResult({ name: 'read_file', contains: '"Hi " + name' }),
            reply: reply.toolUse('edit_file', { path: 'src/greet.js', old_text: 'Hi ', new_text: 'Hello, ' }),
          },
          {
            match: match.toolResult({ name: 'edit_file', isError: false }),
            reply: reply.toolUse('write_file', {
              path: 'test/greet.test.js',
              content: 'import { greet } from "../src/greet.js";\nconsole.log(greet("Ada"));\n',
            }),
          },
          {
            match: match.toolResult({ name: 'write_file' }),
            reply: reply.toolUse('run_command', { command: 'node test/greet.test.js' }),
          },
          {
            match: match.toolResult({ name: 'run_command', contains: 'Hello, Ada' }),
            reply: reply.toolUse('search', { pattern: 'Hello' }),
          },
          {
            match: match.toolResult({ name: 'search', contains: 'src/greet.js:1:' }),
            reply: reply.text('Changed the greeting and added a test; node prints Hello, Ada.'),
          },
        ],
      }),
    );
    const log = progressLog();
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const report = await executor.execute(executeInput(), box, { signal: signal(), emit: log.emit });
    fake.assertDone();
    expect(await box.readFile('src/greet.js')).toContain('"Hello, " + name');
    expect(report.changedFiles).toEqual(['src/greet.js', 'test/greet.test.js']);
    expect(report.turns).toBe(7);
    expect(report.summary).toContain('Hello, Ada');
    expect(report.usage.outputTokens).toBeGreaterThan(0);
    expect(report.usage.inputTokens + report.usage.cacheReadTokens + report.usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(report.usage.costUsd).toBeGreaterThan(0);
    const toolCalls = log.events.filter((e) => e.kind === 'tool_call').map((e) => e.data?.tool);
    expect(toolCalls).toEqual(['list_files', 'read_file', 'edit_file', 'write_file', 'run_command', 'search']);
    expect(log.events.filter((e) => e.kind === 'tool_result')).toHaveLength(6);
    expect(log.events.filter((e) => e.kind === 'file_change').map((e) => e.data?.path)).toEqual([
      'src/greet.js',
      'test/greet.test.js',
    ]);
    expect(log.events.some((e) => e.kind === 'output' && e.data?.exitCode === 0)).toBe(true);
  });

  it('edit_file refuses a missing or ambiguous match with an error the model sees', async () => {
    const box = await createSandbox({ 'a.txt': 'one two one\n' });
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('edit_file', { path: 'a.txt', old_text: 'three', new_text: 'x' }) },
          {
            match: match.toolResult({ isError: true, contains: 'was not found in a.txt' }),
            reply: reply.toolUse('edit_file', { path: 'a.txt', old_text: 'one', new_text: 'x' }),
          },
          {
            match: match.toolResult({ isError: true, contains: 'matches 2 places in a.txt' }),
            reply: reply.toolUse('edit_file', { path: 'a.txt', old_text: 'one', new_text: '1', replace_all: true }),
          },
          { match: match.toolResult({ isError: false, contains: 'replaced 2' }), reply: reply.text('done') },
        ],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const report = await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    fake.assertDone();
    expect(await box.readFile('a.txt')).toBe('1 two 1\n');
    expect(report.changedFiles).toEqual(['a.txt']);
  });

  it('refuses paths outside the workspace and unknown tools as tool errors', async () => {
    const box = await createSandbox();
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('read_file', { path: '../../etc/passwd' }) },
          {
            match: match.toolResult({ isError: true, contains: 'leaves the workspace' }),
            reply: reply.toolUse('delete_everything', {}),
          },
          {
            match: match.toolResult({ isError: true, contains: 'unknown tool "delete_everything"' }),
            reply: reply.text('ok'),
          },
        ],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    fake.assertDone();
  });

  it('run_command runs inside the bubblewrap sandbox: the workspace is /workspace, cwd is workspace-relative', async () => {
    const box = await createSandbox({ 'sub/x.txt': 'inside\n' });
    expect(box.isolation).toBe('bubblewrap');
    const hostPath = box.workspace;
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('run_command', { command: 'pwd && cat x.txt', cwd: 'sub' }) },
          {
            match: match.toolResult({ name: 'run_command', contains: '/workspace/sub\ninside' }),
            reply: reply.toolUse('run_command', {
              command: `test -e '${hostPath}' && echo host-path-visible || echo no-host-path`,
            }),
          },
          { match: match.toolResult({ name: 'run_command', contains: 'no-host-path' }), reply: reply.text('done') },
        ],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const report = await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    fake.assertDone();
    expect(report.summary).toBe('done');
  });

  it('truncates long tool output with a marker', async () => {
    const box = await createSandbox({ 'big.txt': `${'a'.repeat(5000)}END` });
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('read_file', { path: 'big.txt' }) },
          {
            match: [
              match.toolResult({ contains: 'characters truncated by SessionHub' }),
              match.where('tool result at most ~1100 chars and keeps the tail', (req) => {
                const last = JSON.stringify(req.messages.at(-1));
                return last.length < 1400 && last.includes('END');
              }),
            ],
            reply: reply.text('ok'),
          },
        ],
      }),
    );
    const log = progressLog();
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, maxToolOutputChars: 1000 });
    await executor.execute(executeInput(), box, { signal: signal(), emit: log.emit });
    fake.assertDone();
    expect(log.events.find((e) => e.kind === 'tool_result')?.data?.truncated).toBe(true);
  });

  it('stops at maxTurns with a report that says so', async () => {
    const box = await createSandbox({ 'a.txt': 'x' });
    const fake = held(
      await startFakeAnthropic({
        script: Array.from({ length: 3 }, () => ({ reply: reply.toolUse('read_file', { path: 'a.txt' }) })),
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, maxTurns: 3 });
    const report = await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    expect(report.turns).toBe(3);
    expect(report.summary).toMatch(/maximum of 3 model turns/);
    fake.assertDone();
  });
  it('reports files a command created or deleted as changed', async () => {
    const box = await createSandbox({ 'old.txt': 'bye', 'keep.txt': 'same' });
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('run_command', { command: 'rm old.txt && mkdir -p gen && echo made > gen/new.txt' }) },
          { match: match.toolResult({ name: 'run_command', contains: 'exit code 0' }), reply: reply.text('done') },
        ],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const report = await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    fake.assertDone();
    expect(report.changedFiles).toEqual(['gen/new.txt', 'old.txt']);
  });
});
