import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSdkMcpServer } from '@anthropic-ai/claude-agent-sdk';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ClaudeCodeError, ClaudeCodeExecutor } from '../src/index.js';
import { executeInput, progressLog } from './support/fixtures.js';
import { createSandbox, held } from './support/sandbox.js';

// The tool-loop executors' MCP fixture server (dependency-free, stdio): `word_count` answers with the words of a
// workspace file and the server's working directory.
const SERVER = await readFile(new URL('../../anthropic/test/fixtures/mcp-server.mjs', import.meta.url), 'utf8');
const KEY = 'sk-ant-mcp-canary-5b0e';
const fixture = { command: 'node', args: ['.mcp/server.mjs'] };

describe('ClaudeCodeExecutor with MCP servers (real Claude Code in the bubblewrap sandbox, against the fake)', {
  timeout: 60_000,
}, () => {
  it('Claude Code starts the stdio server inside the sandbox, the model calls its tool, progress records call and result', async () => {
    const box = await createSandbox({ '.mcp/server.mjs': SERVER, 'notes.txt': 'one two three four\n' });
    const fake = held(
      await startFakeAnthropic({
        apiKey: KEY,
        script: [
          {
            name: 'call the MCP tool',
            match: match.hasTools('Write', 'mcp__fixture__word_count'),
            reply: reply.toolUse('mcp__fixture__word_count', { path: 'notes.txt' }),
          },
          {
            name: 'report',
            match: match.toolResult({ name: 'mcp__fixture__word_count', isError: false, contains: '4 words' }),
            reply: reply.text('The notes have 4 words.'),
          },
        ],
      }),
    );
    const log = progressLog();
    const report = await new ClaudeCodeExecutor({
      apiKey: KEY,
      baseURL: fake.url,
      allowedTools: ['mcp__fixture'],
      mcpServers: { fixture },
    }).execute(executeInput(), box, { signal: AbortSignal.timeout(50_000), emit: log.emit });

    fake.assertDone();
    expect(report.summary).toBe('The notes have 4 words.');
    const call = log.events.find((e) => e.kind === 'tool_call');
    expect(call).toMatchObject({
      message: 'mcp__fixture__word_count notes.txt',
      data: { tool: 'mcp__fixture__word_count' },
    });
    const result = log.events.find((e) => e.kind === 'tool_result');
    expect(result).toMatchObject({ data: { tool: 'mcp__fixture__word_count', isError: false } });
    // The server ran inside the sandbox: its working directory is the workspace as the sandbox mounts it.
    expect(box.mountPoint).toBe('/workspace');
    expect(box.workspace).not.toBe('/workspace');
    expect(result?.message).toContain('notes.txt: 4 words (cwd /workspace)');
    // What the model got back is the server's answer, as Claude Code sent it to the fake.
    expect(JSON.stringify(fake.requests[1]?.body?.messages)).toContain('notes.txt: 4 words (cwd /workspace)');
    expect(report.changedFiles).toEqual([]);
  });

  it('a stdio command that exists only on the host: mcp.not_in_sandbox before Claude Code starts', async () => {
    const hostDir = await mkdtemp(join(tmpdir(), 'sessionhub-mcp-host-'));
    onTestFinished(() => rm(hostDir, { recursive: true, force: true }));
    const hostServer = join(hostDir, 'server.mjs');
    await writeFile(hostServer, `#!/usr/bin/env node\n${SERVER}`, { mode: 0o755 });
    const box = await createSandbox({});
    const fake = held(await startFakeAnthropic({ apiKey: KEY }));
    const executor = new ClaudeCodeExecutor({
      apiKey: KEY,
      baseURL: fake.url,
      mcpServers: { docs: { command: hostServer } },
    });
    const err = await executor
      .execute(executeInput(), box, { signal: AbortSignal.timeout(20_000), emit: () => {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClaudeCodeError);
    expect(err).toMatchObject({ code: 'mcp.not_in_sandbox', retryable: false });
    expect((err as Error).message).toContain(hostServer);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('ClaudeCodeExecutor mcpServers checks', () => {
  const rejects = (mcpServers: ConstructorParameters<typeof ClaudeCodeExecutor>[0]) => {
    try {
      new ClaudeCodeExecutor(mcpServers);
    } catch (err) {
      expect(err).toBeInstanceOf(ClaudeCodeError);
      expect(err).toMatchObject({ code: 'mcp.invalid_config', retryable: false });
      return (err as Error).message;
    }
    throw new Error('the executor accepted the configuration');
  };
  const inProcess = createSdkMcpServer({ name: 'host-tools', tools: [] });

  it('refuses an in-process (sdk) server when Claude Code runs in the sandbox, accepts it on the host', () => {
    expect(rejects({ mcpServers: { host: inProcess } })).toContain('outside the session');
    expect(() => new ClaudeCodeExecutor({ runIn: 'host', mcpServers: { host: inProcess } })).not.toThrow();
  });

  it('refuses an http or sse server on the loopback when Claude Code runs in the sandbox, accepts it on the host', () => {
    expect(rejects({ mcpServers: { api: { type: 'http', url: 'http://127.0.0.1:8123/mcp' } } })).toContain(
      "sandbox's own loopback",
    );
    expect(rejects({ mcpServers: { api: { type: 'sse', url: 'http://localhost:8123/sse' } } })).toContain(
      'localhost:8123',
    );
    const remote = { type: 'http' as const, url: 'https://mcp.example.com/mcp' };
    expect(() => new ClaudeCodeExecutor({ mcpServers: { api: remote } })).not.toThrow();
    const local = { type: 'http' as const, url: 'http://127.0.0.1:8123/mcp' };
    expect(() => new ClaudeCodeExecutor({ runIn: 'host', mcpServers: { api: local } })).not.toThrow();
  });

  it('refuses bad names and entries', () => {
    expect(rejects({ mcpServers: { 'has space': fixture } })).toContain('a name is 1 to 64');
    expect(rejects({ mcpServers: { empty: { command: ' ' } } })).toContain('stdio needs a command');
    expect(rejects({ mcpServers: { bad: { command: 'node', args: 'server.mjs' as unknown as string[] } } })).toContain(
      'args must be a list of strings',
    );
    expect(rejects({ mcpServers: { web: { type: 'http', url: 'ftp://example.com' } } })).toContain('http(s) url');
    expect(
      rejects({ mcpServers: { odd: { type: 'carrier-pigeon', command: 'x' } as unknown as typeof fixture } }),
    ).toContain('unknown type');
  });
});
