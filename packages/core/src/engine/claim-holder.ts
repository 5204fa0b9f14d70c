import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * The process that holds a claim, as written in `session.claimed`: the host name, the pid, and (on
 * Linux) a marker of the process: boot id, pid namespace and the pid's start time, so a pid reused
 * after a reboot, in another container, or by a later process is not taken for the claim's holder.
 */
export interface ClaimHolder {
  host: string;
  pid: number;
  /** `<boot id>:<pid namespace>:<start time in clock ticks>`; absent where `/proc` cannot tell. */
  proc?: string;
}

let self: ClaimHolder | undefined;

/** This process, as it writes itself into its claims (computed once). */
export function thisHolder(): ClaimHolder {
  if (self) return self;
  const proc = procMarker('self');
  self = { host: hostname(), pid: process.pid, ...(proc ? { proc } : {}) };
  return self;
}

/**
 * Whether the process holding a claim is known to be gone: it ran on this host (same host name, and on
 * Linux the same boot and pid namespace) and its pid is no longer alive, or is alive as another process
 * (a different start time). A claim of another host, or one written without a holder, is never known dead.
 */
export function holderIsDead(holder: Partial<ClaimHolder> | undefined): boolean {
  if (!holder?.host || typeof holder.pid !== 'number' || !(holder.pid > 0)) return false;
  const me = thisHolder();
  if (holder.host !== me.host) return false;
  if (holder.proc !== undefined && me.proc !== undefined && scope(holder.proc) !== scope(me.proc)) return false;
  if (holder.pid === me.pid && holder.proc === me.proc) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    // ESRCH: no such process. EPERM: it lives, as another user.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  if (holder.proc === undefined || me.proc === undefined) return false;
  const now = procMarker(String(holder.pid));
  return now !== undefined && now !== holder.proc;
}

/** `<boot id>:<pid namespace>`: the part of a marker that says which pid space it belongs to. */
function scope(marker: string): string {
  return marker.split(':').slice(0, 2).join(':');
}

function procMarker(which: string): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const ns = readlinkSync('/proc/self/ns/pid').replace(/\D/g, '');
    const stat = readFileSync(`/proc/${which}/stat`, 'utf8');
    // Field 22 (starttime) counts from after the command name, which may hold spaces and parentheses.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    if (!boot || !ns || !start || !/^\d+$/.test(start)) return undefined;
    return `${boot}:${ns}:${start}`;
  } catch {
    // No /proc (or the pid just exited): the pid alone must do.
    return undefined;
  }
}

/**
 * Whether a claim keeps this engine from driving a session: another engine's, not run out, and its holder
 * not known to be gone.
 */
export function heldElsewhere(
  claim: { owner: string; until: number; holder?: Partial<ClaimHolder> },
  engineId: string,
  now: number,
): boolean {
  return claim.owner !== engineId && claim.until > now && !holderIsDead(claim.holder);
}
