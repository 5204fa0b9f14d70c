import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { CommandVerifier, createSessionHub, MemoryStore, type Planner } from '@sessionhub/core';
import { chatMatch, chatReply, match, reply, startFakeAnthropic, startFakeOpenAI } from '@sessionhub/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AiSdkExecutor, AiSdkPlanner } from '../src/index.js';
import { bubblewrapProvider, CHECK, FOUNDATION, GOOD_INSTRUCTION, held, tempWorkspace } from './support.js';

const OPENAI_KEY = 'sk-openai-session-secret';
const ANTHROPIC_KEY = 'sk-ant-session-secret';

/** The executor's three turns on the fake OpenAI API: look, write greet.mjs, run the check, report. */
const executorScript = [
  {
    name: 'look',
    match: [chatMatch.systemContains('You are the Executor'), chatMatch.hasTools('read_file', 'run_command')],
    reply: chatReply.toolCall('list_files', {}),
  },
  {
    name: 'write',
    match: chatMatch.toolResult({ name: 'list_files', contains: 'check.mjs' }),
    reply: chatReply.toolCall('write_file', {
      path: 'greet.mjs',
      content: 'export const greet = (name) => "Hello, " + name;\n',
    }),
  },
  {
    name: 'check',
    match: chatMatch.toolResult({ name: 'write_file' }),
    reply: chatReply.toolCall('run_command', { command: 'node check.mjs' }),
  },
  {
    name: 'report',
    match: chatMatch.toolResult({ name: 'run_command', contains: 'ok' }),
    reply: chatReply.text('Added greet.mjs; node check.mjs prints ok.'),
  },
];

async function runSession(planner: Planner, executor: AiSdkExecutor) {
  const workspace = await tempWorkspace({ 'FOUNDATION.md': FOUNDATION, 'check.mjs': CHECK });
  const provider = bubblewrapProvider();
  onTestFinished(() => provider.close());
  const hub = createSessionHub({
    planner,
    executor,
    verifier: new CommandVerifier({ gates: [{ name: 'check', command: 'node check.mjs', timeoutMs: 10_000 }] }),
    store: new MemoryStore(),
    sandbox: provider,
    workspace,
    policy: { secrets: [OPENAI_KEY, ANTHROPIC_KEY] },
  });
  const handle = await hub.run({ request: 'Greet visitors by name' }, { signal: AbortSignal.timeout(25_000) });
  const result = await handle.result;
  const events = [];
  for await (const e of hub.events(handle.id)) events.push(e);
  return { result, events, workspace };
}

describe('a full session on AI SDK models, through real providers over HTTP', () => {
  it('OpenAI-style planner and executor (@ai-sdk/openai → fake Chat Completions): plans, executes in a bubblewrap sandbox, verifies', async () => {
    const fake = held(
      await startFakeOpenAI({
        apiKey: OPENAI_KEY,
        script: [
          {
            name: 'plan',
            match: [
              chatMatch.systemContains('You are the Planner'),
              chatMatch.lastUserContains('Greet visitors by name'),
            ],
            reply: chatReply.text(GOOD_INSTRUCTION),
          },
          ...executorScript,
        ],
      }),
    );
    const openai = createOpenAI({ apiKey: OPENAI_KEY, baseURL: fake.url });
    const model = { model: openai.chat('gpt-4.1'), secrets: [OPENAI_KEY], maxRetries: 0 };
    const { result, events, workspace } = await runSession(new AiSdkPlanner(model), new AiSdkExecutor(model));

    fake.assertDone();
    expect(result.error).toBeUndefined();
    expect(result.session.state).toBe('succeeded');
    expect(await readFile(join(workspace, 'greet.mjs'), 'utf8')).toContain('"Hello, " + name');
    expect(await readFile(join(workspace, 'FOUNDATION.md'), 'utf8')).toMatch(/1\.1/);
    // Usage: each of the 5 calls reported and costed at gpt-4.1's price.
    const usage = result.session.usage;
    expect(usage.inputTokens).toBe(fake.requests.reduce((n, r) => n + (r.usage?.prompt_tokens ?? 0), 0));
    expect(usage.outputTokens).toBe(fake.requests.reduce((n, r) => n + (r.usage?.completion_tokens ?? 0), 0));
    expect(usage.costUsd).toBeCloseTo((usage.inputTokens * 2 + usage.outputTokens * 8) / 1e6, 10);
    const toolCalls = events.filter((e) => e.type === 'executor.progress' && e.kind === 'tool_call');
    expect(toolCalls.map((e) => (e as { data?: { tool?: string } }).data?.tool)).toEqual([
      'list_files',
      'write_file',
      'run_command',
    ]);
    expect(JSON.stringify(events)).not.toContain(OPENAI_KEY);
  });

  it('mixed: @ai-sdk/anthropic plans against the fake Messages API, @ai-sdk/openai executes', async () => {
    const messages = held(
      await startFakeAnthropic({
        apiKey: ANTHROPIC_KEY,
        script: [
          {
            name: 'plan',
            match: [match.systemContains('You are the Planner'), match.lastUserContains('Greet visitors by name')],
            reply: reply.text(GOOD_INSTRUCTION),
          },
        ],
      }),
    );
    const chat = held(await startFakeOpenAI({ apiKey: OPENAI_KEY, script: executorScript }));
    const anthropic = createAnthropic({ apiKey: ANTHROPIC_KEY, baseURL: `${messages.url}/v1` });
    const openai = createOpenAI({ apiKey: OPENAI_KEY, baseURL: chat.url });
    const { result, events } = await runSession(
      new AiSdkPlanner({ model: anthropic('claude-sonnet-4-6'), secrets: [ANTHROPIC_KEY] }),
      new AiSdkExecutor({ model: openai.chat('gpt-4.1'), secrets: [OPENAI_KEY] }),
    );
    messages.assertDone();
    chat.assertDone();
    expect(result.error).toBeUndefined();
    expect(result.session.state).toBe('succeeded');
    const planned = events.find((e) => e.type === 'usage.recorded');
    expect(planned).toBeDefined();
    const text = JSON.stringify(events);
    expect(text).not.toContain(OPENAI_KEY);
    expect(text).not.toContain(ANTHROPIC_KEY);
  });
});
