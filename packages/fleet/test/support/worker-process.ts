import type { ChildProcess } from 'node:child_process';
import { adapterTestKit, type ChildWatch, waitForLine, watchChild } from '@sessionhub/core/testing';
import type { Fleet } from '../../src/index.js';
import { type FleetEnv, type PgCluster, withFleet } from './fleet-env.js';

const kit = adapterTestKit({ testDir: new URL('..', import.meta.url).pathname, tempPrefix: 'sessionhub-fleet-' });
const WORKER = new URL('../workers/fleet-worker.ts', import.meta.url).pathname;

export interface WorkerArgs {
  url: string;
  workspaceRoot: string;
  executorMs: number;
  concurrency?: number;
  requireApproval?: boolean;
  /** Tokens each plan costs. */
  plannerTokens?: number;
  /** The workers' token budget (a session over it pauses). */
  tokenBudget?: number;
}

export interface WorkerProcess {
  child: ChildProcess;
  watch: ChildWatch;
  /** Resolves when the worker has printed `executing <id>`. */
  executing(id: string): Promise<void>;
}

/** Starts a worker process and waits until it takes work. */
export async function spawnWorker(args: WorkerArgs): Promise<WorkerProcess> {
  const child = kit.spawnTs(WORKER, [JSON.stringify(args)]);
  const watch = watchChild(child);
  await waitForLine(watch, 'ready');
  return { child, watch, executing: (id) => waitForLine(watch, `executing ${id}`) };
}

/** Starts a worker process on `env`'s database and workspace root: see {@link spawnWorker}. */
export function spawnWorkerOn(env: FleetEnv, args: Omit<WorkerArgs, 'url' | 'workspaceRoot'>): Promise<WorkerProcess> {
  return spawnWorker({ url: env.url, workspaceRoot: env.workspaceRoot, ...args });
}

/** Kills a worker (SIGKILL) and waits for it to be gone. */
export async function killWorker(w: WorkerProcess): Promise<void> {
  w.child.kill('SIGKILL');
  await w.watch.exited;
}

/**
 * {@link withFleet} with one worker process spawned on its environment before `test` runs and killed (SIGKILL)
 * after it, before the fleet client closes.
 */
export function withFleetWorker(
  cluster: PgCluster,
  args: Omit<WorkerArgs, 'url' | 'workspaceRoot'>,
  test: (env: FleetEnv, fleet: Fleet, worker: WorkerProcess) => Promise<void>,
): Promise<void> {
  return withFleet(cluster, async (env, fleet) => {
    const worker = await spawnWorkerOn(env, args);
    try {
      await test(env, fleet, worker);
    } finally {
      worker.child.kill('SIGKILL');
    }
  });
}
