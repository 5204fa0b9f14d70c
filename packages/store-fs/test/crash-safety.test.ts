import { expectCrashTrialsSound, runCrashLanes } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { runCrashTrials } from './crash-trials.js';
import { tempDirsPerTest } from './helpers.js';

// 52 SIGKILL trials in all: 4 lanes of 13, each lane on its own directory, run concurrently to
// keep the suite fast. scripts/crash-stress.ts runs many more.
const LANES = 4;
const TRIALS_PER_LANE = 13;

const freshDir = tempDirsPerTest();

describe('crash safety under SIGKILL', () => {
  it(`${LANES * TRIALS_PER_LANE} trials: the store opens and every acknowledged append is present`, async () => {
    const results = await runCrashLanes({
      lanes: LANES,
      freshDir,
      run: (lane, dir) =>
        runCrashTrials({ dir, trials: TRIALS_PER_LANE, seed: 1000 + lane, maxKillAfterAcks: 300, maxKillDelayMs: 5 }),
    });
    expect(results).toHaveLength(LANES * TRIALS_PER_LANE);
    // Each lane's last session was resumed by a later writer (stale-lock takeover).
    expect(results.filter((r) => r.resumedSeq !== undefined).length).toBeGreaterThanOrEqual(LANES);
    expectCrashTrialsSound(results);
    for (const r of results) {
      // Killed mid-loop, after acknowledging its trial's number of appends.
      expect(r.killedRunning, `trial ${r.trial}`).toBe(true);
      if (r.resumedSeq !== undefined) {
        expect(r.resumedSeq, `trial ${r.trial}: append after the crash`).toBe(r.added + 1);
        expect(r.resumedClean, `trial ${r.trial}: log not whole lines after resuming`).toBe(true);
      }
    }
  }, 120_000);
});
