import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CommandVerifier, createSessionHub, MemoryStore, type SandboxProvider } from '@sessionhub/core';
import { integrationReadiness } from '@sessionhub/core/testing';
import { DockerSandboxProvider, isDockerAvailable } from '@sessionhub/sandbox-docker';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AnthropicExecutor, AnthropicPlanner } from '../src/index.js';
import { GOOD_INSTRUCTION } from './support/instructions.js';
import { bubblewrapProvider, held } from './support/sandbox.js';

// The sandbox package's own idempotent image build (`npm run sandbox:image -w @sessionhub/sandbox-docker`).
const buildImage = fileURLToPath(new URL('../../sandbox-docker/scripts/build-image.sh', import.meta.url));
const docker = await integrationReadiness({
  name: 'Docker sandbox',
  available: isDockerAvailable,
  prepare: () => promisify(execFile)('bash', [buildImage]),
});

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

// The project's own check: the verifier runs it as a gate.
const CHECK = `import { greet } from './greet.mjs';
const got = greet('Ada');
if (!got.includes('Ada') || !got.startsWith('Hello')) { console.error('FAIL greeting for Ada was ' + JSON.stringify(got)); process.exit(1); }
console.log('ok');
`;

const FIX_INSTRUCTION = GOOD_INSTRUCTION.replace(
  'Visitors are greeted by name',
  'Visitors are greeted by name with a greeting that starts with Hello',
);

/** Plans, executes, fails verification, plans a fix, executes again and succeeds, in sandboxes from `sandbox`. */
async function greetingSession(sandbox: SandboxProvider): Promise<void> {
  const workspace = await tempWorkspace('sessionhub-session-');
  await writeFile(join(workspace, 'FOUNDATION.md'), FOUNDATION);
  await writeFile(join(workspace, 'check.mjs'), CHECK);

  const plannerTurn = (name: string, extra: ReturnType<typeof match.any>[], text: string) => ({
    name,
    match: [match.systemContains('You are the Planner'), ...extra],
    reply: reply.text(text),
  });
  const executorTurn = (name: string, extra: ReturnType<typeof match.any>[], r: ReturnType<typeof reply.text>) => ({
    name,
    match: [
      match.systemContains('You are the Executor'),
      match.hasTools('read_file', 'edit_file', 'run_command'),
      ...extra,
    ],
    reply: r,
  });
  const fake = held(
    await startFakeAnthropic({
      apiKey: 'sk-ant-session-test',
      script: [
        plannerTurn(
          'plan',
          [match.lastUserContains('Greet visitors by name'), match.lastUserContains('Use version 1.1')],
          GOOD_INSTRUCTION,
        ),
        executorTurn('look', [match.lastUserContains('Session 1.1: Greeting Module')], reply.toolUse('list_files', {})),
        executorTurn(
          'write (wrong greeting)',
          [match.toolResult({ name: 'list_files', contains: 'check.mjs' })],
          reply.toolUse('write_file', { path: 'greet.mjs', content: 'export const greet = (name) => "Hi " + name;\n' }),
        ),
        executorTurn('report', [match.toolResult({ name: 'write_file' })], reply.text('Added greet.mjs.')),
        plannerTurn(
          'fix plan',
          [
            match.lastUserContains('Write a FIX session instruction'),
            match.lastUserContains('FAIL greeting for Ada was'),
          ],
          FIX_INSTRUCTION,
        ),
        executorTurn(
          'fix',
          [match.lastUserContains('fix attempt 1')],
          reply.toolUse('edit_file', { path: 'greet.mjs', old_text: '"Hi "', new_text: '"Hello, "' }),
        ),
        executorTurn(
          'check',
          [match.toolResult({ name: 'edit_file', isError: false })],
          reply.toolUse('run_command', { command: 'node check.mjs' }),
        ),
        executorTurn(
          'done',
          [match.toolResult({ name: 'run_command', contains: 'ok' })],
          reply.text('Greeting now starts with Hello; check passes.'),
        ),
      ],
    }),
  );

  const common = { apiKey: 'sk-ant-session-test', baseURL: fake.url, maxRetries: 1 };
  const store = new MemoryStore();
  const hub = createSessionHub({
    planner: new AnthropicPlanner(common),
    executor: new AnthropicExecutor(common),
    verifier: new CommandVerifier({ gates: [{ name: 'check', command: 'node check.mjs', timeoutMs: 10_000 }] }),
    store,
    sandbox,
    workspace,
    policy: { maxFixAttempts: 2, secrets: ['sk-ant-session-test'] },
  });
  const handle = await hub.run({ request: 'Greet visitors by name' }, { signal: AbortSignal.timeout(25_000) });
  const result = await handle.result;

  fake.assertDone();
  expect(result.error).toBeUndefined();
  expect(result.session.state).toBe('succeeded');
  expect(result.session.fixAttempts).toBe(1);
  expect(result.verdict?.passed).toBe(true);
  expect(await readFile(join(workspace, 'greet.mjs'), 'utf8')).toContain('"Hello, " + name');
  expect(await readFile(join(workspace, 'FOUNDATION.md'), 'utf8')).toMatch(/1\.1/);

  const events = [];
  for await (const e of hub.events(handle.id)) events.push(e);
  const toolCalls = events.filter((e) => e.type === 'executor.progress' && e.kind === 'tool_call');
  expect(toolCalls).toHaveLength(4);
  const failedGate = events.find((e) => e.type === 'verifier.gate' && !e.result.passed);
  expect(failedGate).toBeDefined();
  // What the commands took from the host lands where analytics reads it: each execute step's `output.resources`
  // (the fix ran `node check.mjs`), each gate's `result.resources` (its one command).
  const executed = events.flatMap((e) => (e.type === 'step.finished' && e.step === 'execute' ? [e.output] : []));
  expect(executed).toHaveLength(2);
  const fixRun = executed[1] as { resources?: { commands: number; cpuMs: number } };
  expect(fixRun.resources?.commands).toBeGreaterThanOrEqual(1);
  expect(fixRun.resources?.cpuMs).toBeGreaterThan(0);
  expect(failedGate?.type === 'verifier.gate' && failedGate.result.resources?.commands).toBe(1);
  expect(result.session.usage.outputTokens).toBeGreaterThan(0);
  expect(result.session.usage.cacheReadTokens).toBeGreaterThan(0);
  expect(JSON.stringify(events)).not.toContain('sk-ant-session-test');
}

describe('a full session: AnthropicPlanner → AnthropicExecutor in a real sandbox → CommandVerifier, through the real SDK', () => {
  it('in a process sandbox (@sessionhub/sandbox-process, bubblewrap): plans, fails verification, fixes, succeeds', {
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
    `in a Docker sandbox (@sessionhub/sandbox-docker)${docker.ready ? '' : ` [skipped: ${docker.reason}]`}`,
    { timeout: 60_000 },
    async () => {
      const provider = new DockerSandboxProvider();
      try {
        await greetingSession(provider);
      } finally {
        await provider.close?.();
      }
    },
  );
});

describe('a session whose model calls fail past the retry budget', () => {
  it('ends with the typed provider error on the session, without hanging', { timeout: 30_000 }, async () => {
    const workspace = await tempWorkspace('sessionhub-session-');
    await writeFile(join(workspace, 'FOUNDATION.md'), FOUNDATION);
    const fake = held(
      await startFakeAnthropic({
        faults: [
          { kind: 'overloaded', retryAfterMs: 1 },
          { kind: 'overloaded', retryAfterMs: 1 },
          { kind: 'overloaded', retryAfterMs: 1 },
        ],
        script: [{ reply: reply.text(GOOD_INSTRUCTION) }],
      }),
    );
    const model = { apiKey: 'k', baseURL: fake.url, maxRetries: 2 };
    const provider = bubblewrapProvider();
    onTestFinished(() => provider.close());
    const hub = createSessionHub({
      planner: new AnthropicPlanner(model),
      executor: new AnthropicExecutor(model),
      verifier: new CommandVerifier({ gates: [] }),
      store: new MemoryStore(),
      sandbox: provider,
      workspace,
    });
    const handle = await hub.run({ request: 'Greet visitors by name' });
    const result = await handle.result;
    expect(result.error?.code).toBe('provider.overloaded');
    expect(result.session.error?.code).toBe('provider.overloaded');
    expect(fake.requests.map((r) => r.status)).toEqual([529, 529, 529]);
    const events = [];
    for await (const e of hub.events(handle.id)) events.push(e);
    expect(events.find((e) => e.type === 'step.failed')).toMatchObject({
      step: 'plan',
      error: { code: 'provider.overloaded' },
    });
  });
});
