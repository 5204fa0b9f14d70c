import { readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { engineStatus } from './engine.js';
import { type LabelNames, MANAGED_BY } from './labels.js';

/** What `reapOrphans` removed. */
export interface ReapResult {
  /** Ids of the containers removed. */
  removed: string[];
  /** Pool slot directories removed (left by a crashed process). */
  slots: string[];
  /** Workspaces whose disk cap (`limits.diskMb`), left mounted by a crashed process, was released. */
  diskCaps: string[];
}

/** Whether a process with this pid exists (EPERM: it exists but is not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes (force) every container labelled as ours whose owner process on this host no longer
 * exists: what a crashed process left behind. Containers owned by live processes, or by other
 * hosts, are left alone.
 */
export async function reapOrphans(
  docker: Dockerode,
  names: LabelNames,
  opts?: { signal?: AbortSignal },
): Promise<ReapResult> {
  const host = hostname();
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${names.managed}=${MANAGED_BY}`, `${names.ownerHost}=${host}`] },
  });
  const removed: string[] = [];
  for (const info of containers) {
    opts?.signal?.throwIfAborted();
    const pid = Number(info.Labels[names.ownerPid]);
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) continue;
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      removed.push(info.Id);
    } catch (error) {
      const status = engineStatus(error);
      if (status !== 404 && status !== 409) throw error;
    }
  }
  return { removed, slots: [], diskCaps: [] };
}

/** Removes pool slot directories (`slot-<pid>-*`) whose owner process is gone. */
export async function reapSlots(poolDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(poolDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(/^slot-(\d+)-/.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    await rm(join(poolDir, name), { recursive: true, force: true });
    removed.push(join(poolDir, name));
  }
  return removed;
}
