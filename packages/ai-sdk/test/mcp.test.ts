import { readFile } from 'node:fs/promises';
import { createOpenAI } from '@ai-sdk/openai';
import { executeInputOf, recordProgress } from '@sessionhub/core/testing';
import { chatMatch, chatReply, startFakeOpenAI } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { AiSdkExecutor } from '../src/index.js';
import { createSandbox, GOOD_INSTRUCTION, held } from './support.js';

// The dependency-free MCP server fixture of @sessionhub/anthropic's MCP tests.
const SERVER = await readFile(new URL('../../anthropic/test/fixtures/mcp-server.mjs', import.meta.url), 'utf8');

describe('AiSdkExecutor with an MCP server inside the process sandbox', () => {
  it('offers the server’s tools to the model and runs a call inside the sandbox; a crash is an mcp.server_exited result', async () => {
    const fake = held(
      await startFakeOpenAI({
        script: [
          {
            match: chatMatch.hasTools('read_file', 'mcp__fixture__word_count'),
            reply: chatReply.toolCall('mcp__fixture__word_count', { path: 'notes.txt' }),
          },
          {
            match: chatMatch.toolResult({
              name: 'mcp__fixture__word_count',
              contains: 'notes.txt: 3 words (cwd /workspace)',
            }),
            reply: chatReply.toolCall('mcp__fixture__crash', {}),
          },
          {
            match: chatMatch.toolResult({ name: 'mcp__fixture__crash', contains: '[mcp.server_exited]' }),
            reply: chatReply.text('3 words; the tool server then crashed.'),
          },
        ],
      }),
    );
    const model = createOpenAI({ apiKey: 'k', baseURL: fake.url }).chat('gpt-4.1');
    const sandbox = await createSandbox({ '.mcp/server.mjs': SERVER, 'notes.txt': 'alpha beta gamma\n' });
    const log = recordProgress();
    const report = await new AiSdkExecutor({
      model,
      mcpServers: [{ name: 'fixture', command: ['node', '.mcp/server.mjs'] }],
    }).execute(executeInputOf(GOOD_INSTRUCTION), sandbox, { signal: AbortSignal.timeout(20_000), emit: log.emit });
    fake.assertDone();
    expect(report.summary).toBe('3 words; the tool server then crashed.');
    expect(log.events.filter((e) => e.kind === 'tool_call').map((e) => e.message)).toEqual([
      'fixture.word_count (MCP)',
      'fixture.crash (MCP)',
    ]);
  });
});
