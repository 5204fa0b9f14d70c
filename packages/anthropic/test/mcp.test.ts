import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandVerifier, createSessionHub, MemoryStore } from '@sessionhub/core';
import { executeInputOf, recordProgress } from '@sessionhub/core/testing';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { AnthropicExecutor, AnthropicPlanner, McpServerError } from '../src/index.js';
import { INSTRUCTION_TEXT } from './support/fixtures.js';
import { GOOD_INSTRUCTION } from './support/instructions.js';
import { bubblewrapProvider, createSandbox, held } from './support/sandbox.js';

const SERVER = await readFile(new URL('./fixtures/mcp-server.mjs', import.meta.url), 'utf8');
/** Every process's command line on the host. */
const hostProcesses = (): string => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
const input = () => executeInputOf(INSTRUCTION_TEXT, { sessionId: 'ses_mcp' });
const fixture = (extra: string[] = [], limits: { callTimeoutMs?: number; startupTimeoutMs?: number } = {}) => ({
  name: 'fixture',
  command: ['node', '.mcp/server.mjs', ...extra],
  ...limits,
});

/** A bubblewrap sandbox whose workspace holds the fixture server and a notes file. */
const sandboxWithServer = () => createSandbox({ '.mcp/server.mjs': SERVER, 'notes.txt': 'one two three four\n' });

describe('AnthropicExecutor with an MCP server inside the process sandbox (bubblewrap), against the fake', () => {
  it('lists the server’s tools beside its own, runs a call inside the sandbox, and reports call and result as progress', async () => {
    const fake = held(
      await startFakeAnthropic({
        script: [
          {
            name: 'call the MCP tool',
            match: match.hasTools('read_file', 'run_command', 'mcp__fixture__word_count', 'mcp__fixture__hang'),
            reply: reply.toolUse('mcp__fixture__word_count', { path: 'notes.txt' }),
          },
          {
            name: 'report',
            match: match.toolResult({ name: 'mcp__fixture__word_count', contains: 'notes.txt: 4 words' }),
            reply: reply.text('The notes have 4 words.'),
          },
        ],
      }),
    );
    const sandbox = await sandboxWithServer();
    const log = recordProgress();
    const report = await new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, mcpServers: [fixture()] }).execute(
      input(),
      sandbox,
      { signal: AbortSignal.timeout(20_000), emit: log.emit },
    );
    fake.assertDone();
    expect(report.summary).toBe('The notes have 4 words.');
    const call = log.events.find((e) => e.kind === 'tool_call');
    expect(call).toMatchObject({ message: 'fixture.word_count (MCP)', data: { tool: 'mcp__fixture__word_count' } });
    const result = log.events.find((e) => e.kind === 'tool_result');
    expect(result?.data).toMatchObject({ isError: false });
    // The server ran in the sandbox: its working directory is the sandbox's view of the workspace, not the host's.
    // The server ran in the sandbox: bubblewrap mounts the host workspace at /workspace, its working directory.
    expect(sandbox.isolation).toBe('bubblewrap');
    expect(sandbox.workspace).not.toBe('/workspace');
    expect(String(result?.data?.excerpt)).toContain('notes.txt: 4 words (cwd /workspace)');
  });

  it('a server that crashes mid-call: the model gets an mcp.server_exited error result and the run ends, not hangs', async () => {
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('mcp__fixture__crash', {}) },
          {
            match: match.toolResult({ name: 'mcp__fixture__crash', isError: true, contains: '[mcp.server_exited]' }),
            reply: reply.text('The tool server crashed; stopping.'),
          },
        ],
      }),
    );
    const log = recordProgress();
    const report = await new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, mcpServers: [fixture()] }).execute(
      input(),
      await sandboxWithServer(),
      { signal: AbortSignal.timeout(20_000), emit: log.emit },
    );
    fake.assertDone();
    expect(report.summary).toBe('The tool server crashed; stopping.');
    expect(String(log.events.find((e) => e.kind === 'tool_result')?.data?.excerpt)).toContain('crashing on purpose');
  });

  it('a call that hangs past callTimeoutMs is an mcp.timeout error result', async () => {
    const fake = held(
      await startFakeAnthropic({
        script: [
          { reply: reply.toolUse('mcp__fixture__hang', {}) },
          {
            match: match.toolResult({ name: 'mcp__fixture__hang', isError: true, contains: '[mcp.timeout]' }),
            reply: reply.text('gave up on the hung tool'),
          },
        ],
      }),
    );
    const report = await new AnthropicExecutor({
      apiKey: 'k',
      baseURL: fake.url,
      mcpServers: [fixture([], { callTimeoutMs: 300 })],
    }).execute(input(), await sandboxWithServer(), { signal: AbortSignal.timeout(20_000), emit: () => {} });
    fake.assertDone();
    expect(report.summary).toBe('gave up on the hung tool');
  });

  it('cancelling during a hung MCP call ends the execution with session.cancelled and kills the server', async () => {
    const fake = held(await startFakeAnthropic({ script: [{ reply: reply.toolUse('mcp__fixture__hang', {}) }] }));
    const tag = `sessionhub-mcp-cancel-${process.pid}-${Date.now()}`;
    const controller = new AbortController();
    let seenRunning = false;
    const running = new AnthropicExecutor({ apiKey: 'k', baseURL: fake.url, mcpServers: [fixture([tag])] }).execute(
      input(),
      await sandboxWithServer(),
      {
        signal: controller.signal,
        emit: (p) => {
          if (p.kind !== 'tool_call') return;
          seenRunning = hostProcesses().includes(tag); // the server is up, seen from the host
          controller.abort();
        },
      },
    );
    await expect(running).rejects.toMatchObject({ code: 'session.cancelled' });
    expect(seenRunning).toBe(true);
    await expect.poll(() => hostProcesses().includes(tag)).toBe(false);
  });

  it('a server that never answers initialize fails the execution with mcp.timeout before any model call', async () => {
    const fake = held(await startFakeAnthropic({ script: [] }));
    const err = await new AnthropicExecutor({
      apiKey: 'k',
      baseURL: fake.url,
      mcpServers: [fixture(['--hang-on-start'], { startupTimeoutMs: 300 })],
    })
      .execute(input(), await sandboxWithServer(), { signal: AbortSignal.timeout(20_000), emit: () => {} })
      .catch((e: unknown) => e);
    expect(McpServerError.isInstance(err)).toBe(true);
    expect(err).toMatchObject({ code: 'mcp.timeout' });
    expect(fake.requests).toHaveLength(0);
  });

  it('a server command that exits at once is mcp.start_failed with its exit status', async () => {
    const fake = held(await startFakeAnthropic({ script: [] }));
    const err = await new AnthropicExecutor({
      apiKey: 'k',
      baseURL: fake.url,
      mcpServers: [{ name: 'missing', command: ['node', '.mcp/does-not-exist.mjs'] }],
    })
      .execute(input(), await sandboxWithServer(), { signal: AbortSignal.timeout(20_000), emit: () => {} })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'mcp.start_failed' });
    expect((err as Error).message).toMatch(/exit code 1/);
  });

  it('a bad config is refused when the executor is built (mcp.invalid_config)', () => {
    expect(() => new AnthropicExecutor({ apiKey: 'k', mcpServers: [fixture(), fixture()] })).toThrow(
      expect.objectContaining({ code: 'mcp.invalid_config' }),
    );
  });

  it('in a whole session: a server that hangs at start fails the session with mcp.timeout instead of hanging it', async () => {
    const workspace = await realpath(await mkdtemp(join(tmpdir(), 'sessionhub-mcp-session-')));
    held({ close: () => rm(workspace, { recursive: true, force: true }) });
    await mkdir(join(workspace, '.mcp'));
    await writeFile(join(workspace, '.mcp/server.mjs'), SERVER);
    const fake = held(await startFakeAnthropic({ script: [{ reply: reply.text(GOOD_INSTRUCTION) }] }));
    const provider = held(bubblewrapProvider());
    const hub = createSessionHub({
      planner: new AnthropicPlanner({ apiKey: 'k', baseURL: fake.url }),
      executor: new AnthropicExecutor({
        apiKey: 'k',
        baseURL: fake.url,
        mcpServers: [fixture(['--hang-on-start'], { startupTimeoutMs: 300 })],
      }),
      verifier: new CommandVerifier({ gates: [] }),
      store: new MemoryStore(),
      sandbox: provider,
      workspace,
      policy: { foundation: 'skip' },
    });
    const result = await (await hub.run({ request: 'Greet visitors by name' }, { signal: AbortSignal.timeout(20_000) }))
      .result;
    fake.assertDone();
    expect(result.session.state).toBe('failed');
    expect(result.error?.code).toBe('mcp.timeout');
  });
});
