import { expectCrashTrialsSound, runCrashLanes } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { runCrashTrials } from './crash-trials.js';
import { tempDirsPerTest } from './helpers.js';

// 52 SIGKILL trials in all: 4 lanes of 13, each lane on its own database file, run concurrently
// to keep the suite fast. scripts/crash-stress.ts runs many more.
const LANES = 4;
const TRIALS_PER_LANE = 13;

const freshDir = tempDirsPerTest();

describe('crash safety under SIGKILL', () => {
  it(`${LANES * TRIALS_PER_LANE} trials: the file opens, integrity_check is ok, every acknowledged append is present`, async () => {
    const results = await runCrashLanes({
      lanes: LANES,
      freshDir,
      run: (lane, dir) =>
        runCrashTrials({
          dir,
          trials: TRIALS_PER_LANE,
          seed: 1000 + lane,
          maxKillAfterAcks: 300,
          maxKillDelayMs: 5,
          driver: lane % 2 === 0 ? 'better-sqlite3' : 'node:sqlite',
        }),
    });
    expect(results).toHaveLength(LANES * TRIALS_PER_LANE);
    for (const r of results) expect(r.integrity, `trial ${r.trial}`).toEqual(['ok']);
    expectCrashTrialsSound(results);
  }, 120_000);
});
