import { chownSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxLimits } from '@sessionhub/core';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Where the cgroup v2 hierarchy is mounted: `/sys/fs/cgroup` on a v2-only host, `.../unified` on a hybrid one. */
export function cgroupV2Mount(): string | undefined {
  for (const dir of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
    if (existsSync(join(dir, 'cgroup.controllers'))) return dir;
  }
  return undefined;
}

/** Our own cgroup v2 path (the `0::` line of /proc/self/cgroup). */
function ownPath(): string | undefined {
  try {
    const line = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('0::'));
    return line?.slice(3);
  } catch {
    return undefined;
  }
}

function words(file: string): Set<string> {
  try {
    return new Set(readFileSync(file, 'utf8').split(/\s+/).filter(Boolean));
  } catch {
    return new Set();
  }
}

/** Options of {@link CgroupV2.create}. */
export interface CgroupV2Options {
  /**
   * A delegated cgroup v2 directory this process may write (e.g. made by `systemd-run --scope -p Delegate=yes`
   * or an administrator), under which each sandbox gets a child. Default: this process's own cgroup. Because of
   * cgroup v2's "no internal processes" rule, controllers can only be enabled for children of a cgroup that has
   * no processes of its own: a delegated, empty directory is what works everywhere.
   */
  root?: string;
  /** The user the sandbox starts as: its `cgroup.procs` is handed to it so it can join. */
  joiner?: { uid: number; gid: number };
}

/**
 * A per-sandbox cgroup v2 child of a delegated subtree: `pids.max`, `memory.max` (with `memory.swap.max` 0)
 * and `cpu.max` for every process of the sandbox together, and `cgroup.kill` to end them all at once.
 * {@link enforced} says which limits the kernel really applies: a controller the parent does not delegate
 * (absent from its `cgroup.controllers`, or not enabled in its `cgroup.subtree_control`) enforces nothing, and
 * the provider reports that honestly.
 */
export class CgroupV2 {
  private constructor(
    readonly dir: string,
    /** Limits the kernel enforces for this cgroup (`pids`, `memory`, `cpu`). */
    readonly enforced: ReadonlySet<string>,
  ) {}

  /**
   * Creates the child and writes the limits it can; `undefined` when there is no writable cgroup v2 hierarchy
   * here (no v2 mount, no permission).
   */
  static create(name: string, limits: SandboxLimits, options: CgroupV2Options = {}): CgroupV2 | undefined {
    const mount = cgroupV2Mount();
    const own = ownPath();
    const parent = options.root ?? (mount && own !== undefined ? join(mount, own) : undefined);
    if (!parent || !existsSync(join(parent, 'cgroup.procs'))) return undefined;
    const wanted = new Map<string, Array<[string, string]>>();
    if (limits.pids !== undefined) wanted.set('pids', [['pids.max', String(limits.pids)]]);
    if (limits.memoryMb !== undefined) {
      wanted.set('memory', [
        ['memory.max', String(Math.floor(limits.memoryMb * 1024 * 1024))],
        ['memory.swap.max', '0'],
      ]);
    }
    if (limits.cpus !== undefined) {
      wanted.set('cpu', [['cpu.max', `${Math.max(1000, Math.round(limits.cpus * 100_000))} 100000`]]);
    }
    // Delegate what the parent offers and we asked for; refused (EBUSY: the parent holds processes) is fine.
    const offered = words(join(parent, 'cgroup.controllers'));
    const missing = [...wanted.keys()].filter(
      (c) => offered.has(c) && !words(join(parent, 'cgroup.subtree_control')).has(c),
    );
    if (missing.length > 0) {
      try {
        writeFileSync(join(parent, 'cgroup.subtree_control'), missing.map((c) => `+${c}`).join(' '));
      } catch {
        // not ours to change: those limits stay unenforced
      }
    }
    const dir = join(parent, name);
    try {
      mkdirSync(dir);
    } catch {
      return undefined;
    }
    const enforced = new Set<string>();
    const available = words(join(dir, 'cgroup.controllers'));
    for (const [controller, files] of wanted) {
      if (!available.has(controller)) continue;
      try {
        for (const [file, value] of files) {
          if (file === 'memory.swap.max' && !existsSync(join(dir, file))) continue;
          writeFileSync(join(dir, file), value);
        }
        enforced.add(controller);
      } catch {
        // a limit that cannot be written is not enforced
      }
    }
    try {
      if (options.joiner) chownSync(join(dir, 'cgroup.procs'), options.joiner.uid, options.joiner.gid);
    } catch {
      tryRmdir(dir);
      return undefined;
    }
    return new CgroupV2(dir, enforced);
  }

  /** The `cgroup.procs` file the spawn wrapper writes its pid into to join. */
  get joinFiles(): string[] {
    return [join(this.dir, 'cgroup.procs')];
  }

  /** Kills everything in the cgroup (`cgroup.kill`, else SIGKILL by pid), waits until it is empty, removes it. */
  async destroy(): Promise<void> {
    const procs = join(this.dir, 'cgroup.procs');
    try {
      writeFileSync(join(this.dir, 'cgroup.kill'), '1');
    } catch {
      // kernels before 5.14: by pid below
    }
    for (let round = 0; round < 100; round++) {
      let pids: number[] = [];
      try {
        pids = readFileSync(procs, 'utf8').split('\n').filter(Boolean).map(Number);
      } catch {
        break;
      }
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // exited
        }
      }
      await sleep(20);
    }
    // Exited processes keep the cgroup populated until they are reaped: retry the removal a little.
    for (let round = 0; round < 50 && !tryRmdir(this.dir); round++) await sleep(20);
  }
}

/** Removes a cgroup directory; `true` when it is gone. */
function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
