import { chownSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxLimits } from '@sessionhub/core';

const CGROUP_ROOT = '/sys/fs/cgroup';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Our own cgroup path per v1 controller, from /proc/self/cgroup (e.g. `memory` -> `/a/b`). */
function ownPaths(): Map<string, string> {
  const paths = new Map<string, string>();
  try {
    for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
      const [, controllers, path] = line.split(':');
      if (!controllers || path === undefined) continue;
      for (const c of controllers.split(',')) paths.set(c, path);
    }
  } catch {
    // not Linux
  }
  return paths;
}

/**
 * A per-sandbox cgroup (v1) subtree under our own cgroup for `pids`, `memory` and `cpu`: the
 * kernel then enforces the limits on every process of the sandbox together (RLIMIT_NPROC would
 * count per uid across the machine, RLIMIT_AS breaks Node). Nested under our own cgroup so a
 * supervisor's accounting still covers it.
 */
export class CgroupV1 {
  private constructor(readonly dirs: string[]) {}

  /**
   * Creates the subtree and writes the limits; `undefined` when cgroup v1 is not writable here
   * (no root, cgroup v2 only, read-only mount). With `joiner`, its {@link joinFiles} are handed to that user, so
   * a sandbox started under it can join (it may only add processes, never change a limit).
   */
  static create(name: string, limits: SandboxLimits, joiner?: { uid: number; gid: number }): CgroupV1 | undefined {
    const own = ownPaths();
    const made: string[] = [];
    const want: Array<[string, Array<[string, string]>]> = [];
    if (limits.pids !== undefined) want.push(['pids', [['pids.max', String(limits.pids)]]]);
    if (limits.memoryMb !== undefined) {
      const bytes = String(Math.floor(limits.memoryMb * 1024 * 1024));
      // memsw (memory + swap) only exists with swap accounting; written when present.
      want.push([
        'memory',
        [
          ['memory.limit_in_bytes', bytes],
          ['memory.memsw.limit_in_bytes', bytes],
          // Without swap accounting (no memsw), the group could swap past its limit: it may not swap at all.
          ['memory.swappiness', '0'],
        ],
      ]);
    }
    if (limits.cpus !== undefined) {
      want.push([
        'cpu',
        [
          ['cpu.cfs_period_us', '100000'],
          ['cpu.cfs_quota_us', String(Math.max(1000, Math.round(limits.cpus * 100_000)))],
        ],
      ]);
    }
    try {
      for (const [controller, files] of want) {
        const base = join(CGROUP_ROOT, controller, own.get(controller) ?? '/');
        if (!existsSync(join(base, 'cgroup.procs'))) throw new Error(`no cgroup v1 ${controller}`);
        const dir = join(base, name);
        mkdirSync(dir);
        made.push(dir);
        for (const [file, value] of files) {
          if ((file.includes('memsw') || file.includes('swappiness')) && !existsSync(join(dir, file))) continue;
          writeFileSync(join(dir, file), value);
        }
        if (joiner) chownSync(join(dir, 'tasks'), joiner.uid, joiner.gid);
      }
      return new CgroupV1(made);
    } catch {
      for (const dir of made.reverse()) tryRmdir(dir);
      return undefined;
    }
  }

  /**
   * The `tasks` files the spawn wrapper joins through, writing `0`: its own thread (a shell has no other), all
   * its descendants then start inside. Through `cgroup.procs` (a pid: the whole thread group) the kernel takes
   * the global threadgroup lock for writing, which waits for an RCU grace period on the first move after an idle
   * spell: 7-26 ms per create measured here; moving the writing thread itself skips that lock.
   */
  get joinFiles(): string[] {
    return this.dirs.map((dir) => join(dir, 'tasks'));
  }

  /** The `cgroup.procs` files: the processes in the subtree, one pid a line. */
  private get procsFiles(): string[] {
    return this.dirs.map((dir) => join(dir, 'cgroup.procs'));
  }

  /** SIGKILLs whatever is still in the subtree, waits until it is empty and removes it. */
  async destroy(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      const pids = new Set<number>();
      for (const file of this.procsFiles) {
        try {
          for (const pid of readFileSync(file, 'utf8').split('\n')) if (pid) pids.add(Number(pid));
        } catch {
          // gone
        }
      }
      if (pids.size === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // exited
        }
      }
      await sleep(20);
    }
    for (const dir of this.dirs) tryRmdir(dir);
  }
}

function tryRmdir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // busy or gone: left for the kernel (an empty v1 cgroup costs nothing)
  }
}
