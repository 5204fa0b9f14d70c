import { readFileSync, readlinkSync } from 'node:fs';
import { errnoOf } from './io-errors.js';

/**
 * The process that made a lock owner file, as written in that file: enough for another process on
 * the same machine and in the same pid namespace to tell whether it still runs, even when its pid
 * has been given to a new process since.
 */
export interface ProcessIdentity {
  pid: number;
  /** When the process started, in clock ticks since boot (`/proc/<pid>/stat` field 22). */
  start: string;
  /** The kernel's boot id: another value is another machine, or this one rebooted. */
  boot: string;
  /** The pid namespace (`/proc/self/ns/pid`): pids of another container are not ours to look up. */
  pidns: string;
}

/** Whether a lock's holder is running: `unknown` when it is not on this machine and pid namespace. */
export type HolderLiveness = 'alive' | 'dead' | 'unknown';

/** `/proc/<pid>/stat`'s state and start time, or `undefined` when the process is gone or hidden. */
function procStat(pid: number | 'self'): { state: string; start: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields 3.. follow its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const start = fields[19];
  return state && start ? { state, start } : undefined;
}

let own: ProcessIdentity | null | undefined;

/** This process's identity, or `undefined` where `/proc` does not give it (not Linux). Read once. */
export function thisProcess(): ProcessIdentity | undefined {
  if (own === undefined) {
    try {
      const stat = procStat('self');
      own = stat
        ? {
            pid: process.pid,
            start: stat.start,
            boot: readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim(),
            pidns: readlinkSync('/proc/self/ns/pid'),
          }
        : null;
    } catch {
      own = null;
    }
  }
  return own ?? undefined;
}

/** An owner file's content as an identity; `undefined` for an empty file (older builds, other platforms). */
export function parseIdentity(text: string): ProcessIdentity | undefined {
  try {
    const value = JSON.parse(text) as Partial<ProcessIdentity>;
    const { pid, start, boot, pidns } = value;
    if (
      Number.isSafeInteger(pid) &&
      typeof start === 'string' &&
      typeof boot === 'string' &&
      typeof pidns === 'string'
    ) {
      return { pid: pid as number, start, boot, pidns };
    }
  } catch {
    // Not ours to read: judged by its mtime alone.
  }
  return undefined;
}

/**
 * Whether the process `holder` names runs. Only a process on this machine and in this pid
 * namespace can be looked up; a pid that exists but started at another time was reused, and a
 * zombie has exited. A process that exists but whose start cannot be read (`/proc` mounted with
 * `hidepid`) counts as alive: a live holder's lock must never be taken.
 */
export function livenessOf(holder: ProcessIdentity | undefined): HolderLiveness {
  const self = thisProcess();
  if (!holder || !self || holder.boot !== self.boot || holder.pidns !== self.pidns) return 'unknown';
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if (errnoOf(error) === 'ESRCH') return 'dead';
    if (errnoOf(error) !== 'EPERM') return 'unknown';
  }
  const stat = procStat(holder.pid);
  if (!stat) return 'alive';
  if (stat.start !== holder.start || stat.state === 'Z' || stat.state === 'X') return 'dead';
  return 'alive';
}
