import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewSessionEvent } from '../../model/events.js';
import type { Session } from '../../model/session.js';

/** A fresh temp directory and its removal. */
export async function tempDir(prefix = 'sessionhub-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A complete session in state `created`, with `overrides` applied. */
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

/** An `executor.progress` event (output `message`) to append to session `sessionId`: the smallest event a store takes. */
export function progressEventOf(sessionId: string, message: string) {
  return { type: 'executor.progress', sessionId, kind: 'output', message } as const satisfies NewSessionEvent;
}

/** A small seeded PRNG (mulberry32), so random trial timings and fixtures are reproducible per seed. */
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
