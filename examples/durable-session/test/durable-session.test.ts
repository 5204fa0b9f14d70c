import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SessionEvent } from '@sessionhub/core';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { type FakeAnthropic, startFakeAnthropic } from '@sessionhub/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GREETING_REQUEST, greetingConversation, writeGreetingProject } from '../src/greeting-project.js';

// The example as a user outside this repository gets it: the packages packed into tarballs
// (`scripts/pack.mjs`), installed into a temp app outside the repo, and the example's own
// src/*.ts copied there and run with plain Node + tsx (no source condition, so the packages'
// built dist/ runs). The fake Messages API runs in this test process.
const run = promisify(execFile);
const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(exampleDir, '../..');
const API_KEY = 'sk-ant-durable-example';

/** Off CI, a machine without a working bubblewrap skips these tests with the reason; on CI they run (and fail). */
const bwrap = new ProcessSandboxProvider({ isolation: 'auto' }).detect();
const ready = bwrap.isolation === 'bubblewrap' || process.env.CI === 'true';
const note = ready ? '' : ` [skipped: bubblewrap unusable here: ${bwrap.reason}]`;

let app = '';
/** The packages `scripts/pack.mjs` packed, in its order. */
let packed: string[] = [];
/** Every process the tests started, killed at the end if a failed test left one running. */
const children = new Set<ChildProcess>();

/** Packs the packages the example depends on and installs them (and tsx) into a fresh app outside the repo. */
async function installApp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sessionhub-durable-app-'));
  const manifest = JSON.parse(await readFile(join(exampleDir, 'package.json'), 'utf8'));
  const folders = Object.keys(manifest.dependencies).map((name) => name.replace('@sessionhub/', ''));
  const packs = join(dir, 'packs');
  const { stdout } = await run(process.execPath, [join(root, 'scripts', 'pack.mjs'), '--out', packs, ...folders], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { packages: { name: string; file: string }[] };
  packed = report.packages.map((p) => p.name);
  const dependencies: Record<string, string> = { tsx: manifest.devDependencies.tsx };
  for (const { name, file } of report.packages) dependencies[name] = `file:${join(packs, file)}`;
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'durable-app', private: true, type: 'module', dependencies }),
  );
  await cp(join(exampleDir, 'src'), join(dir, 'src'), { recursive: true });
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
  });
  return dir;
}

/**
 * Runs one of the example's scripts in the app: one Node process with tsx as its loader (so a SIGKILL
 * reaches the engine itself, not a wrapper); env holds only what a user's shell would.
 */
function spawnApp(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(app, 'src', script), ...args], {
    cwd: app,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? app, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Collects a child's stdout lines and stderr; `exited` resolves with its exit code or signal. */
function watch(child: ChildProcess) {
  const lines: string[] = [];
  let stderr = '';
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  let done = false;
  const exited = once(child, 'exit').then(([code, signal]) => {
    done = true;
    for (const wake of waiters.splice(0)) wake();
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  /** The first stdout line parsed as JSON with `key`; rejects if the child exits first. */
  async function jsonLineWith<T>(key: string): Promise<T> {
    for (;;) {
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const value = JSON.parse(line) as Record<string, unknown>;
        if (key in value) return value as T;
      }
      if (done) throw new Error(`exited without a "${key}" line; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`);
      await new Promise<void>((wake) => waiters.push(wake));
    }
  }
  return { lines, exited, jsonLineWith, stderr: () => stderr };
}

beforeAll(async () => {
  if (ready) app = await installApp();
}, 240_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  if (app) await rm(app, { recursive: true, force: true });
});

describe.skipIf(!ready)(`examples/durable-session, installed from packed tarballs outside the repo${note}`, () => {
  it('packs what the example depends on, each package after the @sessionhub packages it needs', () => {
    const names = packed.map((name) => name.replace('@sessionhub/', ''));
    expect(names.slice(0, 2)).toEqual(['format', 'core']);
    expect([...names].sort()).toEqual([
      'actor-kit',
      'anthropic',
      'core',
      'format',
      'sandbox-process',
      'store-sqlite',
      'testing',
    ]);
  });

  it('the demo runs a session to success with a Foundation update', { timeout: 60_000 }, async () => {
    const demo = watch(spawnApp('demo.ts', []));
    const { code } = await demo.exited;
    const out = demo.lines.join('\n');
    expect(code, `${out}\n${demo.stderr()}`).toBe(0);
    expect(out).toMatch(/session \S+: succeeded/);
    expect(out).toContain('foundation.updated');
    expect(out).toContain('Current Version: 1.1');
  });

  describe('a session SIGKILLed mid-execution', () => {
    let fake: FakeAnthropic | undefined;
    let dir = '';
    afterAll(async () => {
      await fake?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('resumes in a fresh process and completes exactly once', { timeout: 90_000 }, async () => {
      dir = await mkdtemp(join(tmpdir(), 'sessionhub-durable-crash-'));
      const workspace = join(dir, 'project');
      await writeGreetingProject(workspace);
      await mkdir(join(dir, 'state'));
      let stalled: () => void = () => undefined;
      const reachedStall = new Promise<void>((ok) => {
        stalled = ok;
      });
      // The planner's answer also makes the fake stall the next request (the executor's first call),
      // so the run is killed at a chosen point: plan finished and logged, execution in flight.
      const [plan, ...executorTurns] = greetingConversation();
      if (!plan || typeof plan.reply === 'function')
        throw new Error('the conversation starts with a plain planner reply');
      const planReply = plan.reply;
      fake = await startFakeAnthropic({
        apiKey: API_KEY,
        script: [
          {
            ...plan,
            reply: () => {
              fake?.enqueueFault({ kind: 'stall', afterEvents: 1 });
              return planReply;
            },
          },
          ...executorTurns,
        ],
      });
      const env = {
        ANTHROPIC_API_KEY: API_KEY,
        ANTHROPIC_BASE_URL: fake.url,
        SESSIONHUB_WORKSPACE: workspace,
        SESSIONHUB_STORE: join(dir, 'state', 'sessions.db'),
        // the killed process's claim on the session blocks a resume until it runs out: keep it short here
        SESSIONHUB_LEASE_MS: '2000',
      };

      const first = spawnApp('session-cli.ts', ['run', GREETING_REQUEST], env);
      const firstOut = watch(first);
      const { started: id } = await firstOut.jsonLineWith<{ started: string }>('started');
      const poll = setInterval(() => {
        if (fake?.requests.some((r) => r.fault === 'stall')) stalled();
      }, 20);
      await Promise.race([reachedStall, firstOut.exited]).finally(() => clearInterval(poll));
      expect(
        fake.requests.some((r) => r.fault === 'stall'),
        firstOut.stderr(),
      ).toBe(true);
      first.kill('SIGKILL');
      expect((await firstOut.exited).signal).toBe('SIGKILL');

      const second = watch(spawnApp('session-cli.ts', ['resume', id], env));
      const outcome = await second.jsonLineWith<{ id: string; state: string; foundationVersion?: string }>('state');
      expect((await second.exited).code, second.stderr()).toBe(0);
      expect(outcome).toMatchObject({ id, state: 'succeeded', foundationVersion: '1.1' });

      fake.assertDone(); // every scripted turn served once: the planner was not asked again
      const plannerCalls = fake.requests.filter((r) =>
        JSON.stringify(r.body?.system ?? '').includes('You are the Planner'),
      );
      expect(plannerCalls).toHaveLength(1);
      expect(await readFile(join(workspace, 'greet.mjs'), 'utf8')).toContain('"Hello, "');
      const foundation = await readFile(join(workspace, 'FOUNDATION.md'), 'utf8');
      expect(foundation).toContain('Current Version: 1.1');
      expect(foundation.match(/Greeting Module/g)).toHaveLength(1);

      const store = await openSqliteStore({ path: env.SESSIONHUB_STORE });
      let events: SessionEvent[] = [];
      try {
        events = await store.readEvents(id);
      } finally {
        await store.close();
      }
      const count = (type: SessionEvent['type']) => events.filter((e) => e.type === type).length;
      const startedSteps = events.flatMap((e) => (e.type === 'step.started' ? [e.stepId] : []));
      expect(new Set(startedSteps).size).toBe(startedSteps.length); // the step in flight re-ran under its id
      expect(startedSteps).toEqual(['plan:0', 'execute:0', 'verify:0', 'foundation:0']);
      expect(count('instruction.accepted')).toBe(1);
      expect(count('foundation.updated')).toBe(1);
      expect(count('session.finished')).toBe(1);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1)); // gap-free, one log
      expect(JSON.stringify(events)).not.toContain(API_KEY); // the hub redacts the key it was given
    });
  });
});
