import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';

const demoDir = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../../../packages/cli/src/bin.ts', import.meta.url));
const run = promisify(execFile);

/** Runs `npm run start` of the demo (what the root `npm run demo` runs) and returns its exit code and output. */
async function demo(env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string; project: string }> {
  const result = await run('npm', ['run', '--silent', 'start'], { cwd: demoDir, env, timeout: 110_000 }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout}${e.stderr}` }),
  );
  const project = /demo project: (\S+)/.exec(result.out)?.[1] ?? '';
  if (project) onTestFinished(() => rm(join(project, '..'), { recursive: true, force: true }));
  return { ...result, project };
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe('npm run demo: a whole two-actor session, offline', () => {
  it('plans, fails a gate, fixes, passes, commits, bumps the Foundation, and says how to look again', async () => {
    const { code, out, project } = await demo();
    expect(out, out).toContain('session succeeded');
    expect(code).toBe(0);
    // The two actors and the verifier, in order: a failed test gate, a fix instruction, then every gate passing.
    expect(out).toMatch(
      /instruction: Session 1\.1: Median[\s\S]*tool: write_file src\/tally\.ts[\s\S]*gate test: FAILED[\s\S]*fix instruction: Session 1\.1[\s\S]*gate typecheck: passed[\s\S]*gate test: passed/,
    );
    expect(out).toContain('Foundation  FOUNDATION.md 1.0 → 1.1');
    expect(out).toContain('fix rounds  1');
    expect(out).toContain('every request matched the cassette');
    // Real git: the session's branch holds its commits on top of the project's first commit.
    const branch = /on (sessionhub\/\S+)/.exec(out)?.[1] ?? '';
    expect(branch).toMatch(/^sessionhub\/1\.1-median-/);
    // Written ahead by the engine through @sessionhub/git: the verified work, then the Foundation update.
    expect(git(project, 'log', '--format=%s', branch)).toBe(
      'Foundation 1.1: update FOUNDATION.md\nSession 1.1: Median\nTally 1.0',
    );
    expect(out).toMatch(
      /commit +[0-9a-f]{12} \(work\) on sessionhub\/1\.1-median-\S+\n +commit +[0-9a-f]{12} \(foundation\)/,
    );
    expect(git(project, 'show', `${branch}:src/tally.ts`)).toContain('[...values].sort(');
    expect(git(project, 'show', `${branch}:FOUNDATION.md`)).toContain('**Current Version:** 1.1');
    // The real SQLite store: the printed command shows the session again.
    const id = /sessions show (\S+)/.exec(out)?.[1] ?? '';
    const shown = execFileSync(
      process.execPath,
      ['--conditions=@sessionhub/source', '--import', 'tsx', bin, '-C', project, 'sessions', 'show', id],
      { encoding: 'utf8' },
    );
    expect(shown).toContain('── Session 1.1: Median ── succeeded');
    expect(shown).toContain('fix rounds  1');
  }, 120_000);

  it('falls back to running unisolated, with a notice, on a machine with neither Docker nor bubblewrap', async () => {
    const noTools = await mkdtemp(join(tmpdir(), 'sessionhub-nobwrap-'));
    onTestFinished(() => rm(noTools, { recursive: true, force: true }));
    // PATH has every tool of this machine but bwrap; DOCKER_HOST points at a socket that does not exist.
    const path = await pathWithout('bwrap', join(noTools, 'bin'));
    const { code, out } = await demo({ ...process.env, PATH: path, DOCKER_HOST: `unix://${noTools}/docker.sock` });
    expect(out).toContain('sandbox: unisolated');
    expect(out).toContain('NOTICE: UNISOLATED');
    expect(out).toContain('session succeeded');
    expect(code).toBe(0);
  }, 120_000);
});

/** A PATH of one directory linking every program on the current PATH except `name` (the first of each name wins). */
async function pathWithout(name: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const seen = new Set<string>([name]);
  for (const from of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const entries = await readdir(from).catch(() => [] as string[]);
    for (const entry of entries) {
      if (seen.has(entry)) continue;
      seen.add(entry);
      await symlink(join(from, entry), join(dir, entry));
    }
  }
  return dir;
}
