import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTempSandbox, integrationReadiness } from '@sessionhub/core/testing';
import { DockerSandboxProvider, isDockerAvailable } from '@sessionhub/sandbox-docker';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { AnthropicExecutor } from '../src/index.js';
import { executeInput, progressLog } from './support/fixtures.js';
import { createSandbox, held } from './support/sandbox.js';

const signal = () => AbortSignal.timeout(20_000);
const buildImage = fileURLToPath(new URL('../../sandbox-docker/scripts/build-image.sh', import.meta.url));
const docker = await integrationReadiness({
  name: 'Docker sandbox',
  available: isDockerAvailable,
  prepare: () => promisify(execFile)('bash', [buildImage]),
});
const EMOJI = '😀'; // two UTF-16 units: a cut between them leaves a lone surrogate

describe('text is cut on code-point boundaries (the real API refuses a lone surrogate)', { timeout: 20_000 }, () => {
  it('a long tool result full of emoji is cut in the middle without splitting one', async () => {
    // 600 (even) head chars then emoji: a cut at 0.6 × 1001 = 600 would fall between two halves
    const box = await createSandbox({ 'emoji.txt': `${'a'.repeat(599)}${EMOJI.repeat(2000)}END` });
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('read_file', { path: 'emoji.txt' }) },
          { match: match.toolResult({ contains: 'truncated by SessionHub' }), reply: reply.text('ok') },
        ],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, maxToolOutputChars: 1001 });
    const report = await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    fake.assertDone(); // a lone surrogate would have been a 400 from the strict fake
    expect(report.summary).toBe('ok');
  });

  it('a search hit line is cut without splitting an emoji', async () => {
    const box = await createSandbox({ 'src/x.txt': `needle ${'b'.repeat(292)}${EMOJI.repeat(20)}\n` });
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('search', { pattern: 'needle' }) },
          { match: match.toolResult({ name: 'search', contains: 'src/x.txt:1: needle' }), reply: reply.text('found') },
        ],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    expect((await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} })).summary).toBe('found');
    fake.assertDone();
  });
});

describe('search runs inside the sandbox', { timeout: 30_000 }, () => {
  it('a catastrophic regex costs at most the command timeout and comes back as a tool error', async () => {
    const box = await createSandbox({ 'evil.txt': `${'a'.repeat(40)}!\n` });
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('search', { pattern: '^(a+)+$', regex: true }) },
          {
            match: match.toolResult({ name: 'search', isError: true, contains: 'after the 1000 ms command timeout' }),
            reply: reply.text('gave up on that pattern'),
          },
        ],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, commandTimeoutMs: 1000 });
    const report = await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    fake.assertDone();
    expect(report.summary).toBe('gave up on that pattern');
  });

  it('cancelling during a catastrophic search ends the run with CancelledError (the host loop stays free)', async () => {
    const box = await createSandbox({ 'evil.txt': `${'a'.repeat(40)}!\n` });
    const fake = held(
      await startFakeAnthropic({ script: [{ reply: reply.toolUse('search', { pattern: '^(a+)+$', regex: true }) }] }),
    );
    const log = progressLog();
    const controller = new AbortController();
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const pending = executor
      .execute(executeInput(), box, { signal: controller.signal, emit: log.emit })
      .catch((e: unknown) => e);
    await expect.poll(() => log.events.some((e) => e.kind === 'tool_call'), { timeout: 5000 }).toBe(true);
    controller.abort();
    expect(await pending).toMatchObject({ code: 'session.cancelled' });
  });

  it.skipIf(!docker.ready)(
    `in a Docker sandbox too, bounded by the command timeout${docker.ready ? '' : ` [skipped: ${docker.reason}]`}`,
    { timeout: 60_000 },
    async () => {
      const provider = held(new DockerSandboxProvider());
      const box = held(await createTempSandbox(provider, { 'evil.txt': `${'a'.repeat(40)}!\n`, 'ok.txt': 'needle\n' }));
      const fake = held(
        await startFakeAnthropic({
          script: [
            { reply: reply.toolUse('search', { pattern: 'needle' }) },
            {
              match: match.toolResult({ name: 'search', contains: 'ok.txt:1: needle' }),
              reply: reply.toolUse('search', { pattern: '^(a+)+$', regex: true }),
            },
            { match: match.toolResult({ isError: true, contains: 'command timeout' }), reply: reply.text('ok') },
          ],
        }),
      );
      const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, commandTimeoutMs: 2000 });
      await executor.execute(executeInput(), box, { signal: AbortSignal.timeout(50_000), emit: () => {} });
      fake.assertDone();
    },
  );

  it('a literal search, a regex search and an invalid regex', async () => {
    const box = await createSandbox({
      'a.js': 'const greet = 1;\nconst Greeting = 2;\n',
      'node_modules/x.js': 'greet\n',
    });
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('search', { pattern: 'greet', case_sensitive: false }) },
          {
            match: match.where('both lines, nothing from node_modules', (r) => {
              const text = JSON.stringify(r.messages.at(-1));
              return (
                text.includes('a.js:1: const greet') &&
                text.includes('a.js:2: const Greeting') &&
                !text.includes('node_modules')
              );
            }),
            reply: reply.toolUse('search', { pattern: 'G\\w+ = \\d', regex: true }),
          },
          {
            match: match.toolResult({ name: 'search', contains: 'a.js:2: const Greeting = 2;' }),
            reply: reply.toolUse('search', { pattern: '(unclosed', regex: true }),
          },
          {
            match: match.toolResult({ isError: true, contains: 'invalid regular expression' }),
            reply: reply.text('ok'),
          },
        ],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    fake.assertDone();
  });
});

describe('limits the model cannot lift', { timeout: 20_000 }, () => {
  it('a run_command timeout above maxCommandTimeoutMs is capped', async () => {
    const box = await createSandbox();
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('run_command', { command: 'sleep 10', timeout_ms: 86_400_000 }) },
          {
            match: match.toolResult({
              name: 'run_command',
              contains: 'timed out after 300 ms (timeout_ms 86400000 was capped at 300)',
            }),
            reply: reply.text('ok'),
          },
        ],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, maxCommandTimeoutMs: 300 });
    await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    fake.assertDone();
  });

  it('read_file refuses a file above maxReadFileBytes whole, and reads a line range of it inside the sandbox', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i + 1}`).join('\n');
    const box = await createSandbox({ 'big.log': lines });
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('read_file', { path: 'big.log' }) },
          {
            match: match.toolResult({ isError: true, contains: 'above the 1000-byte read limit' }),
            reply: reply.toolUse('read_file', { path: 'big.log', offset: 250, limit: 2 }),
          },
          {
            match: match.toolResult({ isError: false, contains: 'line 250\nline 251\n' }),
            reply: reply.text('ok'),
          },
        ],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, maxReadFileBytes: 1000 });
    await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    fake.assertDone();
  });

  it('an empty tool result gets no cache breakpoint (the real API refuses one)', async () => {
    const box = await createSandbox({ 'empty.txt': '' });
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('read_file', { path: 'empty.txt' }) },
          { match: match.toolResult({ name: 'read_file', contains: 'is empty' }), reply: reply.text('ok') },
        ],
      }),
    );
    const executor = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    await executor.execute(executeInput(), box, { signal: signal(), emit: () => {} });
    fake.assertDone();
  });
});
