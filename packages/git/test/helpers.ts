import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Session, Verdict } from '@sessionhub/core';
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

/** A session record as the engine holds it. */
export function sessionOf(id: string, over: Partial<Session> = {}): Session {
  const now = new Date(0).toISOString();
  return {
    id,
    state: 'executing',
    input: { kind: 'request', request: 'do it' },
    createdAt: now,
    updatedAt: now,
    tags: [],
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
    fixAttempts: 0,
    version: '1.1',
    name: 'Add pagination',
    ...over,
  } as Session;
}

/** A passing verdict of two gates. */
export const PASSED: Verdict = {
  passed: true,
  gates: [
    { name: 'typecheck', passed: true, durationMs: 1, output: '', failures: [] },
    { name: 'test', passed: true, durationMs: 1, output: '', failures: [] },
  ],
};

/** A failing verdict. */
export const FAILED: Verdict = {
  passed: false,
  gates: [{ name: 'test', passed: false, durationMs: 1, output: 'FAIL', failures: [{ message: 'x' }] }],
};

/** An instruction text as a planner writes it. */
export const INSTRUCTION = `Session 1.1: Add pagination

OBJECTIVES:
- List endpoints return pages of at most 50 items
- Clients can ask for the next page

REQUIREMENTS:
- Existing clients keep working

FOUNDATION UPDATE:
- Version 1.1 with a session log entry

VALIDATION:
- The test suite passes
`;

/** A fresh abort signal. */
export const signal = () => new AbortController().signal;
