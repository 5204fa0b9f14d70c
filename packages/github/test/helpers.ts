import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A plain git environment for test repositories (no user config). */
export const GIT_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

/** Runs git in `cwd`. */
export async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, env: GIT_ENV });
  return stdout.trim();
}

/** A new repository with one commit on `main` holding `files`. */
export async function makeRepository(files: Record<string, string> = { 'README.md': '# App\n' }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sessionhub-github-repo-'));
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '--quiet', '-m', 'initial']);
  return dir;
}
