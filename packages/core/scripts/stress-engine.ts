/**
 * The engine's model-based test, long: `npm run stress -w @sessionhub/core`.
 * ENGINE_MODEL_RUNS (default 2000) random interleavings over 3 engines on one MemoryStore;
 * ENGINE_MODEL_SEED (with ENGINE_MODEL_PATH) replays a counterexample. Exits 1 with the shrunk counterexample on a violation.
 * ENGINE_MODEL_SURVEY=1 does not stop at a violation: it counts the runs showing each kind.
 * (The SQLite variant: `ENGINE_MODEL_RUNS=500 npx vitest run packages/store-sqlite/test/engine-model.test.ts`.)
 */
import { MemoryStore, type Store } from '@sessionhub/core';
import { runEngineModel } from '../test/engine-model-kit.js';

const runs = Number(process.env.ENGINE_MODEL_RUNS ?? 2000);
const seed = process.env.ENGINE_MODEL_SEED === undefined ? undefined : Number(process.env.ENGINE_MODEL_SEED);
const stores = new Map<number, Store>();
const started = Date.now();
const report = await runEngineModel({
  engines: 3,
  numRuns: runs,
  survey: process.env.ENGINE_MODEL_SURVEY === '1',
  ...(seed !== undefined ? { seed } : {}),
  openStore: async (run) => {
    const store = stores.get(run) ?? new MemoryStore();
    stores.set(run, store);
    return store;
  },
});
console.log(
  `engine model stress: ${report.runs} runs, ${report.commands} commands in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
console.log(`exercised: ${JSON.stringify(report.exercised)}`);
if (report.found) console.log(JSON.stringify(report.found, null, 2));
if (report.failure) {
  console.error(report.failure);
  process.exit(1);
}
console.log('no violation');
