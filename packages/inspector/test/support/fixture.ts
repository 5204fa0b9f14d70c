/**
 * A SQLite store filled by real sessions: the real engine (`createSessionHub`) with scripted actors, in a real
 * process sandbox over a temp workspace with a Foundation document. One session has a planner re-ask, executor
 * progress (tool call, file change with a diff, command output), a failed gate and a fix round, and a Foundation
 * update; one carries hostile text (HTML, `<script>`, a `javascript:` link) in its instruction and tool output.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSessionHub,
  type ExecutorProgress,
  type SessionHub,
  type SessionHubOptions,
  type Store,
  type Verdict,
} from '@sessionhub/core';
import {
  ScriptedExecutor,
  ScriptedPlanner,
  ScriptedVerifier,
  sampleInstruction,
  usageOf,
} from '@sessionhub/core/testing';
import { createFoundation } from '@sessionhub/format';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { openSqliteStore } from '@sessionhub/store-sqlite';

/** Text no page may run: a script tag, an inline handler, a `javascript:` link, raw HTML. */
export const HOSTILE = {
  name: 'Greeting <script>window.__pwned = "name"</script>',
  requirement: 'The page shows <img src=x onerror="window.__pwned=\'img\'"> and <b>bold</b> as text',
  link: '[docs](javascript:window.__pwned="link")',
  toolOutput: '<script>window.__pwned="tool"</script><a href="javascript:window.__pwned=\'a\'">click</a>',
  issueUrl: 'javascript:window.__pwned="issue"',
};

const FIX_FAILURE: Verdict = {
  passed: false,
  gates: [
    {
      name: 'tests',
      passed: false,
      durationMs: 840,
      output: 'FAIL test/greet.test.mjs\n  expected "Hello, Ada" got "Hello Ada"',
      failures: [{ message: 'expected "Hello, Ada" got "Hello Ada"', file: 'test/greet.test.mjs', line: 3 }],
    },
    { name: 'typecheck', passed: true, durationMs: 1200, output: 'ok', failures: [] },
  ],
};
const PASSED: Verdict = {
  passed: true,
  gates: [
    { name: 'tests', passed: true, durationMs: 910, output: '1 passed', failures: [] },
    { name: 'typecheck', passed: true, durationMs: 1100, output: 'ok', failures: [] },
  ],
};

const PROGRESS: ExecutorProgress[] = [
  { kind: 'tool_call', message: 'write_file greet.mjs', data: { tool: 'write_file', input: '{"path":"greet.mjs"}' } },
  {
    kind: 'file_change',
    message: 'wrote greet.mjs',
    data: {
      path: 'greet.mjs',
      action: 'write',
      diff: '--- a/greet.mjs\n+++ b/greet.mjs\n+export const greet = (n) => "Hello, " + n;',
    },
  },
  {
    kind: 'output',
    message: 'exit code 0: node --test',
    data: { exitCode: 0, stdout: 'ok 1 - greets Ada', stderr: '' },
  },
];

/** A store, its workspace and an engine over it (scripted actors, real sandbox). */
export interface Seeded {
  dir: string;
  /** The workspace sessions run on (it holds the Foundation document). */
  workspace: string;
  storePath: string;
  store: Store;
  sandbox: ProcessSandboxProvider;
  /** The id of the session with every phase (re-ask, fix round, Foundation update). */
  fullId: string;
  /** The id of the session with hostile text. */
  hostileId: string;
  /** An engine with `requireApproval` over the same store, for sessions that wait. */
  hub(options?: Partial<SessionHubOptions>): SessionHub;
  close(): Promise<void>;
}

/** Fills a fresh SQLite store with finished sessions (see the module comment). */
export async function seedStore(): Promise<Seeded> {
  const dir = await mkdtemp(join(tmpdir(), 'sessionhub-inspector-'));
  // The sandbox user (not root) must reach the workspace through the temp directory.
  await chmod(dir, 0o755);
  const workspace = join(dir, 'work');
  await mkdir(workspace);
  await writeFile(join(workspace, 'FOUNDATION.md'), createFoundation({ title: 'Greeter', version: '1.0' }));
  const storePath = join(dir, 'store.db');
  const store = await openSqliteStore({ path: storePath });
  const sandbox = new ProcessSandboxProvider({ allowUnisolated: true });
  const hubs: SessionHub[] = [];
  const makeHub = (o: Partial<SessionHubOptions>) => {
    const hub = createSessionHub({
      env: {},
      store,
      sandbox,
      workspace,
      planner: new ScriptedPlanner({ usage: usageOf(1200, 0.012) }),
      executor: new ScriptedExecutor({
        progress: PROGRESS,
        usage: usageOf(5000, 0.05),
        // The inspector shows what the executor reported; the scripted one reports a change without making it.
        respond: () => ({ changedFiles: ['greet.mjs'] }),
      }),
      verifier: new ScriptedVerifier([true]),
      ...o,
    });
    hubs.push(hub);
    return hub;
  };

  const full = makeHub({
    planner: new ScriptedPlanner({
      usage: usageOf(1200, 0.012),
      script: [
        sampleInstruction({
          version: '1.1',
          extraRequirementLines: ['```ts', 'export const greet = (name: string) => "Hello, " + name;', '```'],
        }),
      ],
    }),
    verifier: new ScriptedVerifier([FIX_FAILURE, PASSED]),
  });
  const fullHandle = await full.run({ request: 'Greet visitors by name', tags: ['greeting', 'demo'] });
  const fullResult = await fullHandle.result;
  if (fullResult.session.state !== 'succeeded')
    throw new Error(`seed session ended ${fullResult.session.state}: ${String(fullResult.error)}`, {
      cause: fullResult.error,
    });

  const failing = makeHub({
    verifier: new ScriptedVerifier([FIX_FAILURE]),
    policy: { foundation: 'skip', maxFixAttempts: 1 },
  });
  await (await failing.run({ request: 'Say goodbye politely', tags: ['demo'] })).result;

  const hostile = makeHub({
    policy: { foundation: 'skip' },
    planner: new ScriptedPlanner({
      fallback: sampleInstruction({
        version: '1.2',
        name: HOSTILE.name,
        requirements: [HOSTILE.requirement, `See ${HOSTILE.link}`],
      }),
    }),
    executor: new ScriptedExecutor({
      progress: [
        {
          kind: 'output',
          message: HOSTILE.toolOutput,
          data: { stdout: HOSTILE.toolOutput, stderr: HOSTILE.requirement },
        },
      ],
    }),
  });
  const hostileHandle = await hostile.run({
    issue: {
      host: 'github',
      repo: 'o/r',
      number: 7,
      title: HOSTILE.name,
      body: HOSTILE.requirement,
      url: HOSTILE.issueUrl,
      labels: [],
    },
  });
  await hostileHandle.result;

  return {
    dir,
    workspace,
    storePath,
    store,
    sandbox,
    fullId: fullHandle.id,
    hostileId: hostileHandle.id,
    hub: (o = {}) => makeHub({ policy: { foundation: 'skip', requireApproval: true }, ...o }),
    async close() {
      await Promise.allSettled(hubs.map((h) => h.idle()));
      await store.close();
      await sandbox.close?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
