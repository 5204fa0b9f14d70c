import { execFileSync } from 'node:child_process';
import { startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findOnPath } from '../src/defaults/find-on-path.js';
import { cliEnv, greeterProject, runCli } from './support/cli.js';
import { greeterScript, REQUEST } from './support/greeter-script.js';

const KEY = 'sk-ant-cli-store-key-0123456789';
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

describe.skipIf(!findOnPath('bwrap'))('library, templates, stats, deploy and rollback over a real session', () => {
  it('finds, saves, counts and deploys a succeeded session of a git project', { timeout: 90_000 }, async () => {
    // The second session runs from a saved template: no planner call, the executor's two turns again.
    const fake = await startFakeAnthropic({ script: [...greeterScript(), ...greeterScript().slice(1)], apiKey: KEY });
    onTestFinished(() => fake.close());
    const dir = await greeterProject({ model: { baseURL: fake.url } });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', 'FOUNDATION.md', 'check.mjs');
    git(dir, 'commit', '-q', '-m', 'Greeter 1.0');
    git(dir, 'branch', 'release');
    const env = cliEnv({ ANTHROPIC_API_KEY: KEY });

    const run = await runCli(['-C', dir, 'run', REQUEST], { env });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const id = /session ([0-9a-f-]{36})/.exec(run.stdout)?.[1] ?? '';
    const branch = /on (sessionhub\/\S+)/.exec(run.stdout)?.[1] ?? '';
    expect(branch).toMatch(/^sessionhub\/1\.1-greeting-/);
    expect(git(dir, 'show', `${branch}:greet.mjs`)).toContain("'Hello, ' + name");
    expect(git(dir, 'status', '--porcelain', '--untracked-files=no')).toBe(''); // the user's checkout is untouched

    const found = await runCli(['-C', dir, 'library', 'search', 'greeting']);
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(new RegExp(`${id} +succeeded +1\\.1 +Greeting`));

    expect((await runCli(['-C', dir, 'templates', 'save', id, '--name', 'greeter'])).code).toBe(0);
    const list = await runCli(['-C', dir, 'templates', 'list']);
    expect(list.stdout).toMatch(/greeter +[0-9a-f-]{36}/);
    const show = await runCli(['-C', dir, 'templates', 'show', 'greeter']);
    expect(show.stdout).toContain('Session 1.1: Greeting\nOBJECTIVES:');
    const unsaved = await runCli(['-C', dir, 'templates', 'save', 'no-such-session', '--name', 'x']);
    expect(unsaved.code).toBe(2);
    const fromTemplate = await runCli(['-C', dir, 'templates', 'use', 'greeter'], { env });
    expect(fromTemplate.code, fromTemplate.stdout + fromTemplate.stderr).toBe(0);
    expect(fromTemplate.stdout).toContain('── Session 1.1: Greeting ── succeeded');

    const stats = await runCli(['-C', dir, 'stats']);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/sessions +succeeded +failed +cancelled +success rate\n[- ]+\n2 +2 +0 +0 +100%/);
    expect(stats.stdout).toContain('no failing gates');

    const deployed = await runCli(['-C', dir, 'deploy', id, '--target', 'release', '--check', 'node check.mjs']);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stdout).toMatch(/^deployed sessionhub\/v1\.1: release [0-9a-f]{12} → [0-9a-f]{12}/);
    expect(git(dir, 'show', 'release:greet.mjs')).toContain("'Hello, ' + name");

    const back = await runCli(['-C', dir, 'rollback', '1.1', '--reason', 'test']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/^rolled back release to 1\.1 \(sessionhub\/rollback-\d+/);
    const missing = await runCli(['-C', dir, 'rollback', '9.9']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('git.release_not_found');
    fake.assertDone();
  });
});
