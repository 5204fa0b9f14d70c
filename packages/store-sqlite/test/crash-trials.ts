import { join } from 'node:path';
import { type CrashTrial, type CrashTrialLimits, runCrashTrials as runTrials } from '@sessionhub/core/testing';
import { openSqliteStore, type SqliteDriverName } from '../src/index.js';
import { spawnAppender } from './helpers.js';

/** What one crash trial saw: core's observations, plus the database's integrity check. */
export type CrashTrialResult = Omit<CrashTrial, 'sessionId' | 'afterKill' | 'afterReopen'> & {
  /** `PRAGMA integrity_check` of the reopened file. */
  integrity: string[];
};

/**
 * Runs core's SIGKILL crash trials (`runCrashTrials` of `@sessionhub/core/testing`) on one
 * database file, also checking `PRAGMA integrity_check` each time the file is reopened.
 */
export async function runCrashTrials(
  opts: CrashTrialLimits & {
    dir: string;
    driver?: SqliteDriverName;
    synchronous?: 'normal' | 'full';
  },
): Promise<CrashTrialResult[]> {
  const path = join(opts.dir, 'crash.db');
  const trials = await runTrials({
    ...opts,
    open: () => openSqliteStore({ path, driver: opts.driver, synchronous: opts.synchronous }),
    spawnAppender: (args) => spawnAppender(path, args, opts.driver),
    afterReopen: (store) => store.checkIntegrity(),
  });
  return trials.map(({ sessionId: _, afterKill: __, afterReopen, ...r }) => ({ ...r, integrity: afterReopen ?? [] }));
}
