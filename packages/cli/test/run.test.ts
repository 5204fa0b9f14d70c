import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type FakeAnthropic, match, reply, type ScriptTurn, startFakeAnthropic } from '@sessionhub/testing';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Cassette } from '../src/cassette/format.js';
import { createDefaultHub } from '../src/defaults/create-default-hub.js';
import { findOnPath } from '../src/defaults/find-on-path.js';
import { cliEnv, greeterProject, NODE_ARGS, runCli, startCli, writeGreeterProject } from './support/cli.js';
import { GREETING_INSTRUCTION, greeterScript, REQUEST, stallingScript } from './support/greeter-script.js';

const KEY = 'sk-ant-cli-test-key-0123456789';
const env = cliEnv({ ANTHROPIC_API_KEY: KEY });

async function fakeWith(script: ScriptTurn[]): Promise<FakeAnthropic> {
  const fake = await startFakeAnthropic({ script, apiKey: KEY });
  onTestFinished(() => fake.close());
  return fake;
}

/** A `run` subprocess on a fake whose model call after the first tool stalls until the step is aborted; returned once it stands in that call. */
async function stalledRun() {
  let fake: FakeAnthropic | undefined;
  fake = await fakeWith(stallingScript(() => fake as FakeAnthropic));
  const dir = await greeterProject({ model: { baseURL: fake.url } });
  const cli = startCli(['-C', dir, 'run', REQUEST], { env });
  await cli.waitFor('result: list_files ok');
  return { fake, dir, cli };
}

const idOf = (out: string) => /session ([0-9a-f-]{36})/.exec(out)?.[1] ?? '';

/** A cassette recorded once (by the first test) and shared by the replay tests: its path. */
let recorded: Promise<string> | undefined;
const shared = { dir: '' };
afterAll(() => (shared.dir ? rm(shared.dir, { recursive: true, force: true }) : undefined));

/** Records a live session on the fake into a cassette (once per file); returns the cassette's path. */
function recordCassette(): Promise<string> {
  recorded ??= (async () => {
    const fake = await startFakeAnthropic({ script: greeterScript(), apiKey: KEY });
    try {
      shared.dir = await realpath(await mkdtemp(join(tmpdir(), 'sessionhub-cassette-')));
      const dir = await writeGreeterProject(join(shared.dir, 'project'), { model: { baseURL: fake.url } });
      const file = join(shared.dir, 'greeter.cassette.json');
      const run = await runCli(['-C', dir, 'run', REQUEST, '--record', file], { env });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      fake.assertDone();
      return file;
    } finally {
      await fake.close();
    }
  })();
  return recorded;
}

describe.skipIf(!findOnPath('bwrap'))('sessionhub run, as a subprocess (bubblewrap sandbox)', () => {
  it('without a TTY: plain lines, exit 0; --record saves every model exchange, without the key', async () => {
    const fake = await fakeWith(greeterScript());
    const dir = await greeterProject({ model: { baseURL: fake.url } });
    const file = join(dir, 'greeter.cassette.json');
    const run = await runCli(['-C', dir, 'run', REQUEST, '--record', file], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('\x1b[');
    expect(run.stdout).toMatch(
      /phase: planning\ninstruction: Session 1\.1: Greeting\n {2}1\. Visitors are greeted by name\nphase: executing\n/,
    );
    expect(run.stdout).toContain('executor: Added greet.mjs.');
    expect(run.stdout).toContain('tool: write_file greet.mjs');
    expect(run.stdout).toContain('gate check: passed');
    expect(run.stdout).toContain('── Session 1.1: Greeting ── succeeded');
    expect(run.stdout).toContain('cassette: 3 model exchanges saved');
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(KEY);
    const cassette = JSON.parse(text) as Cassette;
    expect(cassette.request).toBe(REQUEST);
    expect(cassette.exchanges.map((e) => e.request.actor)).toEqual(['planner', 'executor', 'executor']);
    expect(cassette.exchanges[0]?.response.content[0]?.text).toBe(GREETING_INSTRUCTION);
    expect(cassette.exchanges[1]?.response.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'write_file',
      input: { path: 'greet.mjs' },
    });
    fake.assertDone();
    expect(await readFile(join(dir, 'greet.mjs'), 'utf8')).toContain("'Hello, ' + name");
  });

  it('--replay runs offline without a key; --json prints NDJSON events and a report with no divergence', async () => {
    const cassette = await recordCassette();
    const dir = await greeterProject();
    const run = await runCli(['-C', dir, '--json', 'run', '--replay', cassette], { env: cliEnv() });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    const types = lines.map((l) => l.type);
    expect(types).toContain('state.changed');
    expect(types).toContain('verifier.gate');
    expect(types.indexOf('session.finished')).toBeLessThan(types.indexOf('cli.report'));
    expect(lines.at(-1)).toMatchObject({ type: 'cli.report', state: 'succeeded', fixRounds: 0, divergences: [] });
  });

  it('a replay whose session asks differently from the recording reports the divergent request and exits 1', async () => {
    const cassette = JSON.parse(await readFile(await recordCassette(), 'utf8')) as Cassette;
    const second = cassette.exchanges[1];
    if (!second) throw new Error('no second exchange');
    second.request.tools = ['read_file']; // recorded with another tool set than the executor sends
    const dir = await greeterProject();
    const file = join(dir, 'diverging.cassette.json');
    await writeFile(file, JSON.stringify(cassette));
    const run = await runCli(['-C', dir, 'run', '--replay', file], { env: cliEnv() });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('── Session 1.1: Greeting ── failed');
    expect(run.stdout).toMatch(/exchange 2 \(structure\): tools \[read_file,[^\]]*\], recorded \[read_file\]/);
    expect(run.stdout).toContain('exchange 3 (unused): the session never made this request');
  });

  it('on a TTY (under script): a live status line with phase, tokens and cost', async () => {
    const cassette = await recordCassette();
    const dir = await greeterProject();
    const command = [process.execPath, ...NODE_ARGS, '-C', dir, 'run', '--replay', cassette]
      .map((a) => `'${a}'`)
      .join(' ');
    const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], { env: cliEnv() });
    expect(stdout).toContain('\x1b[2K');
    expect(stdout).toMatch(/▶ executing · \d+ tool calls · gates - · \d+ tokens · \$\d+\.\d{4} · \d+s/);
    expect(stdout).toContain('session succeeded');
  });

  it('--approval: waits (exit 4) until approve runs it to the end (exit 0); reject fails it', async () => {
    // The second session plans 1.2: the first one moved the Foundation document to 1.1 (no git here: in place).
    const fake = await fakeWith([
      ...greeterScript(),
      {
        name: 'plan 1.2',
        match: match.systemContains('You are the Planner'),
        reply: reply.text(GREETING_INSTRUCTION.replaceAll('1.1', '1.2')),
      },
    ]);
    const dir = await greeterProject({ model: { baseURL: fake.url } });
    const waiting = await runCli(['-C', dir, 'run', REQUEST, '--approval'], { env });
    expect(waiting.code).toBe(4);
    const id = idOf(waiting.stdout);
    expect(waiting.stdout).toMatch(new RegExp(`waits for approval: node .*src/bin\\.ts approve ${id}`));
    expect(waiting.stdout).toContain('OBJECTIVES:\n1. Visitors are greeted by name');
    const approved = await runCli(['-C', dir, 'approve', id], { env });
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain('── Session 1.1: Greeting ── succeeded');

    const second = await runCli(['-C', dir, 'run', REQUEST, '--approval'], { env });
    expect(second.code).toBe(4);
    const rejected = await runCli(['-C', dir, 'reject', idOf(second.stdout), 'not now'], { env });
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toContain('failed');
    const list = await runCli(['-C', dir, 'sessions', 'list'], { env });
    expect(list.stdout).toMatch(new RegExp(`${idOf(second.stdout)} +failed`));
    expect(list.stdout).toMatch(new RegExp(`${id} +succeeded`));
    fake.assertDone();
  });

  it('Ctrl-C mid-step: exit 130, the session is paused in its phase, and resume finishes it', async () => {
    const { fake, dir, cli } = await stalledRun();
    cli.child.kill('SIGINT');
    const interrupted = await cli.done;
    expect(interrupted.code).toBe(130);
    const id = idOf(interrupted.stdout);
    // Paused through the engine (`hub.pause`), not ended: the report names the pause.
    expect(interrupted.stdout).toContain('session.paused');
    expect(interrupted.stdout).toMatch(new RegExp(`is paused in executing: node .*src/bin\\.ts resume ${id}`));
    const shown = await runCli(['-C', dir, '--json', 'sessions', 'show', id]);
    expect(JSON.parse(shown.stdout)).toMatchObject({ type: 'cli.report', state: 'executing' });

    const resumed = await runCli(['-C', dir, 'resume', id], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('── Session 1.1: Greeting ── succeeded');
    fake.assertDone();
  });

  it('pause from another terminal: the run stops paused (exit 4); a second pause says it is not running; resume finishes it', async () => {
    const { fake, dir, cli } = await stalledRun();
    const list = await runCli(['-C', dir, '--json', 'sessions', 'list']);
    const id = (JSON.parse(list.stdout) as { sessions: { id: string }[] }).sessions[0]?.id ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const paused = await runCli(['-C', dir, 'pause', id], { env: cliEnv() });
    expect(paused.code, paused.stdout + paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(
      new RegExp(`session ${id}: paused in executing; node .*src/bin\\.ts -C .* resume ${id} continues it`),
    );
    const run = await cli.done;
    expect(run.code, run.stdout + run.stderr).toBe(4);
    expect(run.stdout).toContain('session.paused');

    const again = await runCli(['-C', dir, '--json', 'pause', id], { env: cliEnv() });
    expect(again.code).toBe(4);
    expect(JSON.parse(again.stdout)).toMatchObject({ id, state: 'executing', running: false });
    const unknown = await runCli(['-C', dir, 'pause', 'no-such-session'], { env: cliEnv() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('cli.unknown_session');

    const resumed = await runCli(['-C', dir, 'resume', id], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('── Session 1.1: Greeting ── succeeded');
    fake.assertDone();
  });

  it('cancel ends a paused session cancelled', async () => {
    const { dir, cli } = await stalledRun();
    cli.child.kill('SIGINT');
    const id = idOf((await cli.done).stdout);
    const cancelled = await runCli(['-C', dir, 'cancel', id], { env: cliEnv() });
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain(`session ${id}: cancelled`);
  });
});

describe.skipIf(!findOnPath('bwrap'))('sessionhub approve, while another live process runs the session', () => {
  it('records the approval for that process, which goes on with the session (exit 0)', async () => {
    const fake = await fakeWith(greeterScript());
    const dir = await greeterProject({ model: { baseURL: fake.url } });
    // This test process is the other one: it runs the session with the project's defaults and waits for approval.
    const app = await createDefaultHub({
      workspace: dir,
      apiKey: KEY,
      baseURL: fake.url,
      sandbox: 'bubblewrap',
      gates: [{ name: 'check', command: 'node check.mjs', timeoutMs: 30_000 }],
      policy: { requireApproval: true },
    });
    onTestFinished(() => app.close());
    const waiting = new Promise<void>((resolve) => app.hub.emitter.once('approval.requested', () => resolve()));
    const handle = await app.hub.run({ request: REQUEST });
    await waiting;

    const approved = await runCli(['-C', dir, 'approve', handle.id], { env });
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`approved ${handle.id}; the process that runs it goes on with it`);
    const { session } = await handle.result;
    expect(session.state).toBe('succeeded');
    fake.assertDone();
  });
});
