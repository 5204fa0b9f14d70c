import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Session } from '@sessionhub/core';

const here = dirname(fileURLToPath(import.meta.url));
/** The append worker script run in child processes. */
export const APPEND_WORKER = join(here, 'workers', 'append-worker.ts');
/** The open worker script (run as another user by the read-only test). */
export const OPEN_WORKER = join(here, 'workers', 'open-worker.ts');

/** A fresh temp directory and its removal. */
export async function tempDir(prefix = 'sessionhub-fs-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A complete session. */
export function sessionOf(id: string, overrides: Partial<Session> = {}): Session {
  return {
    id,
    state: 'created',
    input: { kind: 'request', request: `request ${id}` },
    createdAt: '2026-03-02T09:00:00.000Z',
    updatedAt: '2026-03-02T09:00:00.000Z',
    tags: [],
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
    fixAttempts: 0,
    ...overrides,
  };
}

/** Spawns `node` on a TypeScript file through tsx, resolving workspace packages to source. */
export function spawnTs(file: string, args: string[], opts: { uid?: number; gid?: number } = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', '--conditions=@sessionhub/source', file, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: here,
    uid: opts.uid,
    gid: opts.gid,
  });
}

/** A child's stdout lines, its stderr, and its exit. */
export interface ChildWatch {
  lines: string[];
  stderr: () => string;
  onLine: (fn: (line: string) => void) => void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Collects a child's stdout lines and stderr, and resolves on exit. */
export function watchChild(child: ChildProcess): ChildWatch {
  const lines: string[] = [];
  const listeners: Array<(line: string) => void> = [];
  let buffered = '';
  let err = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const fn of listeners) fn(line);
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return { lines, stderr: () => err, onLine: (fn) => listeners.push(fn), exited };
}

/** Resolves when a line equal to `expected` arrives (or already arrived); rejects if the child exits first. */
export function waitForLine(watch: ChildWatch, expected: string): Promise<void> {
  if (watch.lines.includes(expected)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    watch.onLine((line) => {
      if (line === expected) resolve();
    });
    void watch.exited.then(({ code, signal }) => {
      if (!watch.lines.includes(expected)) {
        reject(new Error(`child exited (${code ?? signal}) before "${expected}": ${watch.stderr()}`));
      }
    });
  });
}

/** The acknowledged sequence numbers in a worker's output. */
export function ackedSeqs(lines: string[]): number[] {
  return lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.slice(4)));
}

/** A small seeded PRNG (mulberry32), so random trial timings are reproducible per seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
