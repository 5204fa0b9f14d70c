import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AnthropicPlanner } from '@sessionhub/anthropic';
import { CommandVerifier, createSessionHub, MemoryStore, type SandboxProvider } from '@sessionhub/core';
import { integrationReadiness } from '@sessionhub/core/testing';
import { DockerSandboxProvider, isDockerAvailable } from '@sessionhub/sandbox-docker';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { ClaudeCodeExecutor, claudeCodeMounts, EXECUTOR_PREAMBLE } from '../src/index.js';
import { bubblewrapProvider, held } from './support/sandbox.js';

// The sandbox package's own idempotent image build (`npm run sandbox:image -w @sessionhub/sandbox-docker`).
const buildImage = fileURLToPath(new URL('../../sandbox-docker/scripts/build-image.sh', import.meta.url));
const docker = await integrationReadiness({
  name: 'Docker sandbox',
  available: isDockerAvailable,
  prepare: () => promisify(execFile)('bash', [buildImage]),
});

const KEY = 'sk-ant-session-canary-41b7';

/** A fresh temp workspace (its real path), deleted when the current test ends. */
async function tempWorkspace(prefix: string): Promise<string> {
  const workspace = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  held({ close: () => rm(workspace, { recursive: true, force: true }) });
  return workspace;
}

const FOUNDATION = `# Greeter Foundation

Current Version: 1.0

## Session Log
- 1.0 (2026-01-01) Project Setup: completed. Created the project.
`;

/** What the planner (scripted on the fake) answers: an instruction that keeps every boundary rule. */
const INSTRUCTION = `Session 1.1: Greeting File
OBJECTIVES:
1. Visitors find a greeting file in the project
REQUIREMENTS:
- The greeting file says hello
FOUNDATION UPDATE:
- Update to version 1.1
- Add session to log
VALIDATION:
- hello.txt exists and says hello
COMPLEXITY: simple
COMMIT: 'Add a greeting file'
`;

/**
 * Plans (AnthropicPlanner), executes with Claude Code (inside a sandbox of `sandbox`, behind the model proxy), verifies in sandboxes
 * from `sandbox`, and succeeds: every model call against the fake.
 */
async function greetingSession(sandbox: SandboxProvider): Promise<void> {
  const workspace = await tempWorkspace('sessionhub-cc-session-');
  await writeFile(join(workspace, 'FOUNDATION.md'), FOUNDATION);
  const fake = held(
    await startFakeAnthropic({
      apiKey: KEY,
      script: [
        {
          name: 'plan',
          match: [match.systemContains('You are the Planner'), match.lastUserContains('Add a greeting file')],
          reply: reply.text(INSTRUCTION),
        },
        {
          name: 'write',
          match: [match.lastUserContains(EXECUTOR_PREAMBLE), match.lastUserContains('Session 1.1: Greeting File')],
          // Claude Code runs in the sandbox, where the workspace is /workspace (both adapters).
          reply: reply.toolUse('Write', { file_path: '/workspace/hello.txt', content: 'hello\n' }),
        },
        {
          name: 'report',
          match: match.toolResult({ name: 'Write', isError: false }),
          reply: reply.text('Added hello.txt.'),
        },
      ],
    }),
  );
  const hub = createSessionHub({
    planner: new AnthropicPlanner({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 }),
    executor: new ClaudeCodeExecutor({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 }),
    verifier: new CommandVerifier({
      gates: [{ name: 'greeting', command: 'grep -q hello hello.txt', timeoutMs: 10_000 }],
    }),
    store: new MemoryStore(),
    sandbox,
    workspace,
    policy: { maxFixAttempts: 0, secrets: [KEY] },
  });
  const handle = await hub.run({ request: 'Add a greeting file' }, { signal: AbortSignal.timeout(25_000) });
  const result = await handle.result;

  fake.assertDone();
  expect(result.error).toBeUndefined();
  expect(result.session.state).toBe('succeeded');
  expect(result.verdict?.passed).toBe(true);
  expect(await readFile(join(workspace, 'hello.txt'), 'utf8')).toBe('hello\n');
  expect(await readFile(join(workspace, 'FOUNDATION.md'), 'utf8')).toMatch(/1\.1/);
  expect(result.report?.changedFiles).toEqual(['hello.txt']);
  expect(result.session.usage.costUsd).toBeGreaterThan(0);
  expect(result.session.usage.cacheReadTokens).toBeGreaterThan(0);

  const events = [];
  for await (const e of hub.events(handle.id)) events.push(e);
  const progress = events.filter((e) => e.type === 'executor.progress');
  expect(progress.map((e) => e.kind)).toEqual([
    'output',
    'tool_call',
    'tool_result',
    'file_change',
    'message',
    'output',
  ]);
  expect(JSON.stringify(events)).not.toContain(KEY);
}

describe('a full engine session with ClaudeCodeExecutor against the fake', () => {
  it('with a process sandbox (@sessionhub/sandbox-process, bubblewrap): plans, executes with Claude Code, verifies and succeeds', {
    timeout: 30_000,
  }, async () => {
    const provider = bubblewrapProvider();
    try {
      await greetingSession(provider);
    } finally {
      await provider.close();
    }
  });

  it.skipIf(!docker.ready)(
    `with a Docker sandbox for the verifier (@sessionhub/sandbox-docker)${docker.ready ? '' : ` [skipped: ${docker.reason}]`}`,
    { timeout: 90_000 },
    async () => {
      // Claude Code runs in the container: its executable is bound in, and it needs more than the default 512 MB.
      const provider = new DockerSandboxProvider({ hostMounts: claudeCodeMounts(), defaults: { memoryMb: 2048 } });
      try {
        await greetingSession(provider);
      } finally {
        await provider.close?.();
      }
    },
  );
});
