/**
 * Crash stress (not part of `npm test`): many more SIGKILL trials than the test suite runs.
 * Run from the repo root:
 *   npx tsx --conditions=@sessionhub/source packages/store-fs/scripts/crash-stress.ts [trials=400] [lanes=4]
 * Exits 1 if any trial lost an acknowledged append, left a gap, or changed an earlier session.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCrashLanes } from '@sessionhub/core/testing';
import { runCrashTrials } from '../test/crash-trials.js';

const trials = Number(process.argv[2] ?? 400);
const lanes = Number(process.argv[3] ?? 4);
const perLane = Math.ceil(trials / lanes);
const dirs: string[] = [];
try {
  const started = performance.now();
  const results = await runCrashLanes({
    lanes,
    freshDir: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sessionhub-fs-stress-'));
      dirs.push(dir);
      return dir;
    },
    run: (lane, dir) => {
      // Odd lanes write batches of several MB, so kills also land inside multi-page writes (torn lines).
      const padBytes = lane % 2 === 1 ? 1_000_000 : 0;
      const maxKillAfterAcks = padBytes > 0 ? 10 : 500;
      return runCrashTrials({
        dir,
        trials: perLane,
        seed: 5000 + lane,
        maxKillAfterAcks,
        maxKillDelayMs: 20,
        padBytes,
      });
    },
  });
  const bad = results.filter(
    (r) =>
      r.lost.length > 0 ||
      !r.gapFree ||
      !r.earlierIntact ||
      r.added < r.acked ||
      (r.resumedSeq !== undefined && (r.resumedSeq !== r.added + 1 || !r.resumedClean)),
  );
  const summary = {
    trials: results.length,
    failed: bad.length,
    killedRunning: results.filter((r) => r.killedRunning).length,
    tornTails: results.filter((r) => r.tornTail).length,
    resumedAfterCrash: results.filter((r) => r.resumedSeq !== undefined).length,
    ackedEvents: results.reduce((n, r) => n + r.acked, 0),
    unacknowledgedButPresent: results.reduce((n, r) => n + (r.added - r.acked), 0),
    seconds: Math.round((performance.now() - started) / 1000),
  };
  for (const r of bad) console.error('FAILED', JSON.stringify(r));
  console.log(JSON.stringify(summary));
  process.exitCode = bad.length > 0 ? 1 : 0;
} finally {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}
