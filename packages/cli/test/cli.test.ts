import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findOnPath } from '../src/defaults/find-on-path.js';
import { BIN, cliEnv, pathWithout, runCli, startCli, tempDir } from './support/cli.js';

const loadLog = fileURLToPath(new URL('./support/load-log.mjs', import.meta.url));

describe('sessionhub --version and --help', () => {
  it('print and exit 0, loading no adapter, engine or SDK (lazy imports)', () => {
    for (const flag of ['--version', '--help']) {
      const out = execFileSync(
        process.execPath,
        ['--import', loadLog, '--conditions=@sessionhub/source', '--import', 'tsx', BIN, flag],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      expect(out).toMatch(
        flag === '--version'
          ? /^sessionhub\/0\.1\.0 /
          : /Commands:[\s\S]*run[\s\S]*sessions[\s\S]*library[\s\S]*templates[\s\S]*stats[\s\S]*deploy[\s\S]*rollback[\s\S]*doctor[\s\S]*ui[\s\S]*demo/,
      );
    }
    const loaded = execFileSync(
      'sh',
      [
        '-c',
        `"${process.execPath}" --import "${loadLog}" --conditions=@sessionhub/source --import tsx "${BIN}" --help 2>&1 >/dev/null`,
      ],
      { encoding: 'utf8' },
    );
    const modules = loaded.split('\n').filter((l) => l.startsWith('LOADED '));
    expect(modules.length).toBeGreaterThan(0); // the hook works: the CLI's own files are listed
    expect(modules.every((l) => l.includes('/packages/cli/'))).toBe(true);
  });
});

describe('exit codes for bad input (2) and environment problems (3)', () => {
  it('an unknown command or flag exits 2', async () => {
    expect((await runCli(['bogus'])).code).toBe(2);
    const flag = await runCli(['run', '--bogus-flag', 'x']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('cli.usage: Unknown option `--bogusFlag`');
    expect((await runCli([])).code).toBe(2);
    const sandbox = await runCli(['run', 'x', '--sandbox', 'vm']);
    expect(sandbox.code).toBe(2);
    expect(sandbox.stderr).toContain('--sandbox vm: expected one of auto, docker, bubblewrap, unisolated');
  });

  it('a config error names every key path and what it expects, and exits 2', async () => {
    const dir = await tempDir('sessionhub-config-');
    await mkdir(join(dir, '.sessionhub'));
    await writeFile(
      join(dir, '.sessionhub', 'config.json'),
      JSON.stringify({
        policy: { maxFixAttempts: 'two', budgets: { costUsd: -1 } },
        sandbx: {},
        sandbox: { kind: 'vm' },
      }),
    );
    const run = await runCli(['-C', dir, 'sessions', 'list']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('config.invalid');
    expect(run.stderr).toContain('policy.maxFixAttempts: Invalid input: expected number, received string');
    expect(run.stderr).toContain('policy.budgets.costUsd: Too small: expected number to be >0');
    expect(run.stderr).toContain(
      'sandbox.kind: Invalid option: expected one of "auto"|"docker"|"bubblewrap"|"unisolated"',
    );
    expect(run.stderr).toContain('sandbx: unknown key');

    await writeFile(join(dir, '.sessionhub', 'config.json'), '{ "policy": ');
    const broken = await runCli(['-C', dir, 'doctor', '--json']);
    expect(broken.code).toBe(2);
    expect(JSON.parse(broken.stdout)).toMatchObject({ type: 'cli.error', code: 'config.unreadable', exitCode: 2 });
  });

  it('an unknown session exits 2; a run without a request exits 2', async () => {
    const dir = await tempDir('sessionhub-empty-');
    const show = await runCli(['-C', dir, 'sessions', 'show', 'no-such-session']);
    expect(show.code).toBe(2);
    expect(show.stderr).toContain('cli.unknown_session');
    const run = await runCli(['-C', dir, 'run'], { env: cliEnv({ ANTHROPIC_API_KEY: 'sk-test' }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cli.no_request');
  });

  it('a missing or malformed cassette exits 2, naming the key path', async () => {
    const dir = await tempDir('sessionhub-cassette-');
    const missing = await runCli(['-C', dir, 'run', '--replay', join(dir, 'none.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cassette.unreadable');
    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify({
        format: 'sessionhub-cassette',
        version: 1,
        request: 'x',
        recordedAt: 'now',
        exchanges: [{ request: {} }],
      }),
    );
    const bad = await runCli(['-C', dir, 'run', '--replay', join(dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('cassette.invalid');
    expect(bad.stderr).toContain('exchanges.0.request.actor: Invalid option: expected one of "planner"|"executor"');
    expect(bad.stderr).toContain('exchanges.0.response: Invalid input: expected object, received undefined');
  });

  it('a run without an API key exits 3 and says how to set one', async () => {
    const dir = await tempDir('sessionhub-nokey-');
    const run = await runCli(['-C', dir, 'run', 'Greet visitors'], { env: cliEnv() });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('cli.no_api_key');
    expect(run.stderr).toContain('fix: set ANTHROPIC_API_KEY');
  });

  it('ui without the inspector installed exits 3 and says how to install it', async () => {
    const dir = await tempDir('sessionhub-ui-');
    // As if @sessionhub/inspector were not installed: the module the CLI loads as the inspector is missing.
    const run = await runCli(['-C', dir, 'ui'], {
      env: cliEnv({ SESSIONHUB_INSPECTOR: '@sessionhub/no-such-inspector' }),
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      'cli.inspector_missing: the inspector (@sessionhub/no-such-inspector) is not installed',
    );
    expect(run.stderr).toContain('npm install @sessionhub/inspector');
  });
});

describe('sessionhub doctor', () => {
  it('on a machine without bubblewrap (PATH) and without Docker: each problem with its fix, exit 3', async () => {
    const dir = await tempDir('sessionhub-doctor-');
    const path = await pathWithout('bwrap', join(dir, 'bin'));
    const run = await runCli(['-C', dir, 'doctor'], {
      env: cliEnv({ PATH: path, DOCKER_HOST: `unix://${dir}/no-docker.sock` }),
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/warn {2}bubblewrap +bwrap not found on PATH\n +fix: apt-get install bubblewrap/);
    expect(run.stdout).toMatch(/warn {2}docker +no Docker engine at .*no-docker\.sock/);
    expect(run.stdout).toMatch(/FAIL {2}api key +ANTHROPIC_API_KEY is not set\n +fix: export ANTHROPIC_API_KEY/);
    expect(run.stdout).toMatch(/FAIL {2}sandbox +neither Docker nor bubblewrap[^\n]*\n +fix: install bubblewrap/);
    expect(run.stdout).toMatch(/warn {2}foundation +no FOUNDATION\.md\n +fix: sessionhub init/);
    expect(run.stdout).toMatch(/ok {4}store +.*sessionhub\.db \(directory writable\)/);
    expect(run.stdout).toMatch(
      /warn {2}git +git [\d.]+, but the project is not a git repository[^\n]*\n +fix: git init/,
    );
  });

  it.skipIf(!findOnPath('bwrap'))('with bubblewrap and a key: ready, exit 0 (--json)', async () => {
    const dir = await tempDir('sessionhub-doctor-');
    const run = await runCli(['-C', dir, 'doctor', '--json'], { env: cliEnv({ ANTHROPIC_API_KEY: 'sk-test' }) });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      type: string;
      ready: boolean;
      checks: { name: string; status: string }[];
    };
    expect(report.type).toBe('cli.report');
    expect(report.ready).toBe(true);
    expect(report.checks.find((c) => c.name === 'bubblewrap')?.status).toBe('ok');
  });
});

describe('sessionhub init', () => {
  it('writes a valid config with the gates detected from package.json, a store .gitignore and a Foundation document', async () => {
    const dir = await tempDir('sessionhub-init-');
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'acme', scripts: { test: 'node --test', lint: 'biome check', start: 'node .' } }),
    );
    const first = await runCli(['-C', dir, 'init']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created: .sessionhub/config.json, .sessionhub/.gitignore, FOUNDATION.md');
    const config = JSON.parse(await readFile(join(dir, '.sessionhub', 'config.json'), 'utf8')) as {
      gates: { name: string; command: string }[];
    };
    expect(config.gates.map((g) => [g.name, g.command])).toEqual([
      ['lint', 'npm run --silent lint'],
      ['test', 'npm run --silent test'],
    ]);
    expect(await readFile(join(dir, 'FOUNDATION.md'), 'utf8')).toMatch(/^# acme\n\n\*\*Current Version:\*\* 0\.0/);
    const again = await runCli(['-C', dir, 'init']);
    expect(again.stdout).toContain('already initialised');
    expect((await runCli(['-C', dir, 'sessions', 'list'])).stdout).toContain('no sessions yet');
  });
});

describe('sessionhub ui', () => {
  it('starts the installed inspector over the project store (read-only without a key) until Ctrl-C', async () => {
    const dir = await tempDir('sessionhub-ui-');
    const ui = startCli(['-C', dir, 'ui', '--port', '0'], { env: cliEnv() });
    await ui.waitFor('(Ctrl-C stops it)');
    const url = /inspector: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(ui.output());
    expect(url, ui.output()).not.toBeNull();
    const [, base, token] = url as RegExpExecArray;
    expect(ui.output()).toContain('no ANTHROPIC_API_KEY: the inspector is read-only');
    const info = await fetch(`${base}/api/info`, { headers: { authorization: `Bearer ${token}` } });
    expect(await info.json()).toMatchObject({ store: 'sqlite', actions: false, deploys: false });
    const sessions = await fetch(`${base}/api/sessions`, { headers: { authorization: `Bearer ${token}` } });
    expect(sessions.status).toBe(200);
    ui.child.kill('SIGINT');
    expect((await ui.done).code).toBe(0);
  });
});
