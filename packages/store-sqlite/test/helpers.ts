import type { ChildProcess } from 'node:child_process';
import { type AppendWorkerArgs, adapterTestKit } from '@sessionhub/core/testing';
import type { SqliteDriverName } from '../src/index.js';

export { ackedSeqs, type ChildWatch, seededRandom, sessionOf, waitForLine, watchChild } from '@sessionhub/core/testing';

/** Core's durable-store test helpers, bound to this directory and the `sessionhub-sqlite-` temp prefix. */
export const {
  appendWorker: APPEND_WORKER,
  openWorker: OPEN_WORKER,
  tempDir,
  tempDirsPerTest,
  spawnTs,
} = adapterTestKit({ testDir: import.meta.dirname, tempPrefix: 'sessionhub-sqlite-' });

/** Starts the append worker on the database at `path`, with `driver`. */
export function spawnAppender(path: string, args: AppendWorkerArgs, driver?: SqliteDriverName): ChildProcess {
  return spawnTs(APPEND_WORKER, [JSON.stringify({ path, driver, ...args })]);
}
