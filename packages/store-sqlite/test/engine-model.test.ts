/**
 * The engine's model-based test (packages/core/test/engine-model-kit.ts) on ONE durable SQLite file:
 * every engine opens its own connection to it, as engines in separate processes would, and a crash
 * kills one engine's connection; a fresh engine resumes on a new one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEngineModel } from '../../core/test/engine-model-kit.js';
import { openSqliteStore } from '../src/index.js';

const RUNS = Number(process.env.ENGINE_MODEL_RUNS ?? 15);

describe('engine model on SQLite: random interleavings over one database file', () => {
  it(
    'keeps every promise of docs/engine.md (3 engines, one connection each)',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sessionhub-sqlite-model-'));
      try {
        const report = await runEngineModel({
          engines: 3,
          numRuns: RUNS,
          openStore: (run) => openSqliteStore(join(dir, `model-${run}.db`)),
        });
        console.log(
          `engine model (sqlite): ${report.runs} runs, ${report.commands} commands, ${JSON.stringify(report.exercised)}`,
        );
        expect(report.failure).toBeUndefined();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    60_000 + RUNS * 2_000,
  );
});
