import { join } from 'node:path';
import { runCrashTrials as runTrials } from '@sessionhub/core/testing';
import { openSqliteStore, type SqliteDriverName } from '../src/index.js';
import { spawnAppender } from './helpers.js';

/** What one crash trial saw. */
export interface CrashTrialResult {
  trial: number;
  killAfterAcks: number;
  killAfterMs: number;
  /** Whether the child was still running when killed (the kill landed inside the append loop). */
  killedRunning: boolean;
  /** Appends the child acknowledged in this trial. */
  acked: number;
  /** Events this trial's session holds (acknowledged, or committed just before the kill). */
  added: number;
  /** Whether every earlier trial's session still holds exactly its events. */
  earlierIntact: boolean;
  /** `PRAGMA integrity_check` of the reopened file. */
  integrity: string[];
  /** Acknowledged seqs missing from the reopened store (must be empty). */
  lost: number[];
  /** Whether the stored seqs are exactly 1..stored. */
  gapFree: boolean;
}

/**
 * Runs core's SIGKILL crash trials (`runCrashTrials` of `@sessionhub/core/testing`) on one
 * database file, also checking `PRAGMA integrity_check` each time the file is reopened.
 */
export async function runCrashTrials(opts: {
  dir: string;
  trials: number;
  seed: number;
  /** The child is killed after acknowledging up to this many events... */
  maxKillAfterAcks: number;
  /** ...and then up to this many milliseconds more. */
  maxKillDelayMs: number;
  driver?: SqliteDriverName;
  synchronous?: 'normal' | 'full';
}): Promise<CrashTrialResult[]> {
  const path = join(opts.dir, 'crash.db');
  const trials = await runTrials({
    ...opts,
    open: () => openSqliteStore({ path, driver: opts.driver, synchronous: opts.synchronous }),
    spawnAppender: (args) => spawnAppender(path, args, opts.driver),
    afterReopen: (store) => store.checkIntegrity(),
  });
  return trials.map(({ sessionId: _, afterKill: __, afterReopen, ...r }) => ({ ...r, integrity: afterReopen ?? [] }));
}
