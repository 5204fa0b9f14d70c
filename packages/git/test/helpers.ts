import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** Plain git for test setup and assertions (on directories the test made itself). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'User',
      GIT_AUTHOR_EMAIL: 'user@example.com',
      GIT_COMMITTER_NAME: 'User',
      GIT_COMMITTER_EMAIL: 'user@example.com',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).replace(/\n$/, '');
}

/** Temp directories removed after each test. */
export function tempDirs(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), 'sessionhub-git-test-'));
    dirs.push(d);
    return d;
  };
}

/** A repository with a README and a Foundation document on `main`, in `<root>/repo`. */
export function makeRepo(root: string, files: Record<string, string> = {}): string {
  const repo = join(root, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  const all = { 'README.md': '# demo\n', 'FOUNDATION.md': 'Current Version: 1.0\n', ...files };
  for (const [path, content] of Object.entries(all)) {
    execFileSync('mkdir', ['-p', join(repo, path, '..')]);
    writeFileSync(join(repo, path), content);
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'initial');
  return repo;
}

/** A fresh abort signal. */
export const signal = (): AbortSignal => new AbortController().signal;

export { FAILED, INSTRUCTION, PASSED, sessionOf } from './session-fixtures.js';
