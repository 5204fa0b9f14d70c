import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AppendWorkerArgs,
  type SpawnTsOptions,
  spawnTs as spawnTsFrom,
  tempDir as tempDirWith,
} from '@sessionhub/core/testing';

export { ackedSeqs, type ChildWatch, seededRandom, sessionOf, waitForLine, watchChild } from '@sessionhub/core/testing';

const here = dirname(fileURLToPath(import.meta.url));
/** The append worker script run in child processes. */
export const APPEND_WORKER = join(here, 'workers', 'append-worker.ts');
/** The open worker script (run as another user by the read-only test). */
export const OPEN_WORKER = join(here, 'workers', 'open-worker.ts');

/** A fresh temp directory and its removal. */
export function tempDir(prefix = 'sessionhub-fs-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  return tempDirWith(prefix);
}

/** Spawns `node` on a TypeScript file through tsx (from this directory), resolving workspace packages to source. */
export function spawnTs(file: string, args: string[], opts: SpawnTsOptions = {}): ChildProcess {
  return spawnTsFrom(file, args, { cwd: here, ...opts });
}

/** Starts the append worker on the directory store at `dir`; `padBytes` lengthens every event. */
export function spawnAppender(dir: string, args: AppendWorkerArgs, padBytes?: number): ChildProcess {
  return spawnTs(APPEND_WORKER, [JSON.stringify({ dir, padBytes, ...args })]);
}
