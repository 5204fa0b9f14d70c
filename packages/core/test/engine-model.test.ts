/** The engine's model-based test on one MemoryStore shared by several engines (see engine-model-kit.ts). */
import { MemoryStore, type Store } from '@sessionhub/core';
import { describe, expect, it } from 'vitest';
import { runEngineModel } from './engine-model-kit.js';

const RUNS = Number(process.env.ENGINE_MODEL_RUNS ?? 50);

describe('engine model: random interleavings over one store', () => {
  it(
    'keeps every promise of docs/engine.md (MemoryStore, 3 engines)',
    async () => {
      const stores = new Map<number, Store>();
      const report = await runEngineModel({
        engines: 3,
        numRuns: RUNS,
        openStore: async (run) => {
          const store = stores.get(run) ?? new MemoryStore();
          stores.set(run, store);
          return store;
        },
      });
      console.log(
        `engine model (memory): ${report.runs} runs, ${report.commands} commands, ${JSON.stringify(report.exercised)}`,
      );
      expect(report.failure).toBeUndefined();
    },
    60_000 + RUNS * 1_000,
  );
});
