import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { type SpawnTsOptions, spawnTs } from './child-process.js';
import { tempDir } from './fixtures.js';
import { tempDirsPerTest } from './per-test.js';

/** One adapter's test helpers, bound to its test directory and temp-directory prefix. */
export interface AdapterTestKit {
  /** `<testDir>/workers/append-worker.ts`: the adapter's script calling {@link runAppendWorker}. */
  appendWorker: string;
  /** `<testDir>/workers/open-worker.ts`: the adapter's script calling {@link runOpenWorker}. */
  openWorker: string;
  /** A fresh temp directory (named with the adapter's prefix) and its removal. */
  tempDir: (prefix?: string) => Promise<{ dir: string; remove: () => Promise<void> }>;
  /** {@link tempDirsPerTest} with the adapter's prefix; call at a test file's top level. */
  tempDirsPerTest: () => () => Promise<string>;
  /** {@link spawnTs} run from the test directory unless `opts.cwd` says otherwise. */
  spawnTs: (file: string, args: string[], opts?: SpawnTsOptions) => ChildProcess;
}

/**
 * The helpers a durable Store adapter's tests share, given its test directory (holding
 * `workers/append-worker.ts` and `workers/open-worker.ts`) and a temp-directory prefix.
 */
export function adapterTestKit(opts: { testDir: string; tempPrefix: string }): AdapterTestKit {
  return {
    appendWorker: join(opts.testDir, 'workers', 'append-worker.ts'),
    openWorker: join(opts.testDir, 'workers', 'open-worker.ts'),
    tempDir: (prefix = opts.tempPrefix) => tempDir(prefix),
    tempDirsPerTest: () => tempDirsPerTest(opts.tempPrefix),
    spawnTs: (file, args, spawnOpts = {}) => spawnTs(file, args, { ...spawnOpts, cwd: spawnOpts.cwd ?? opts.testDir }),
  };
}
