import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A user (and group) to run a worker as, so that file modes apply even when tests run as root. */
export interface OtherUser {
  uid: number;
  gid: number;
}

/** `nobody` on Linux. */
export const NOBODY: OtherUser = { uid: 65534, gid: 65534 };

/** A worker script made runnable by another user. */
export interface OtherUserWorker {
  /** Starts the worker as that user with these arguments (stdin, stdout, stderr piped). */
  spawn(args: string[]): ChildProcess;
  /** Removes the worker's copy. */
  dispose(): Promise<void>;
}

/** The worker, or why it cannot run as another user here. */
export type OtherUserWorkerResult =
  | { worker: OtherUserWorker; skip?: undefined }
  | { worker?: undefined; skip: string };

/**
 * Makes a TypeScript worker script runnable by another user, wherever the repository was
 * cloned: the script and everything it imports (workspace packages from source) are bundled
 * with esbuild into one file in a fresh world-readable temp directory, so the other user needs
 * no access to the checkout (a clone under root's 0700 home works). Returns the reason instead
 * when it cannot: not root, the Node binary not runnable by that user (e.g. installed under
 * root's home), or esbuild not installed.
 */
export async function workerForOtherUser(file: string, user: OtherUser = NOBODY): Promise<OtherUserWorkerResult> {
  if (process.getuid?.() !== 0) return { skip: `needs root to run a worker as uid ${user.uid}` };
  const probe = spawnSync(process.execPath, ['-e', '0'], { uid: user.uid, gid: user.gid, timeout: 15_000 });
  if (probe.error || probe.status !== 0) {
    const why = probe.error?.message ?? `exit ${probe.status ?? probe.signal}: ${String(probe.stderr).trim()}`;
    return {
      skip: `Node at ${process.execPath} cannot be run by uid ${user.uid} (${why}); install Node where every user can run it`,
    };
  }
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    return { skip: 'esbuild is not installed: it bundles the worker for the other user' };
  }
  const dir = await mkdtemp(join(tmpdir(), 'sessionhub-worker-'));
  const bundle = join(dir, 'worker.mjs');
  try {
    await esbuild.build({
      entryPoints: [file],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      conditions: ['@sessionhub/source'],
      // Test-runner and native modules are never needed by a worker; leave them out.
      external: ['vitest', 'better-sqlite3'],
      // Bundled CommonJS dependencies call require().
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
      logLevel: 'silent',
    });
    await chmod(dir, 0o755);
    await chmod(bundle, 0o644);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    worker: {
      spawn: (args) =>
        spawn(process.execPath, [bundle, ...args], {
          cwd: dir,
          uid: user.uid,
          gid: user.gid,
          stdio: ['pipe', 'pipe', 'pipe'],
        }),
      dispose: () => rm(dir, { recursive: true, force: true }),
    },
  };
}
