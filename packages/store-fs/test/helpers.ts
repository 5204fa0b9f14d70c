import type { ChildProcess } from 'node:child_process';
import { type AppendWorkerArgs, adapterTestKit } from '@sessionhub/core/testing';

export { ackedSeqs, type ChildWatch, seededRandom, sessionOf, waitForLine, watchChild } from '@sessionhub/core/testing';

/** Core's durable-store test helpers, bound to this directory and the `sessionhub-fs-` temp prefix. */
export const {
  appendWorker: APPEND_WORKER,
  openWorker: OPEN_WORKER,
  tempDir,
  tempDirsPerTest,
  spawnTs,
} = adapterTestKit({ testDir: import.meta.dirname, tempPrefix: 'sessionhub-fs-' });

/**
 * Starts the append worker on the directory store at `dir`; `padBytes` lengthens every event,
 * `staleMs` sets the worker's lock staleness.
 */
export function spawnAppender(
  dir: string,
  args: AppendWorkerArgs,
  opts: { padBytes?: number; staleMs?: number } = {},
): ChildProcess {
  return spawnTs(APPEND_WORKER, [JSON.stringify({ dir, ...opts, ...args })]);
}
