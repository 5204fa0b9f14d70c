import { chmodSync, mkdirSync, readdirSync, renameSync, rmdirSync, statSync } from 'node:fs';
import { lchown, mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';

/** Parses `uid:gid` (numeric); `undefined` for names, which cannot be chowned to from the host. */
export function numericUser(user: string): { uid: number; gid: number } | undefined {
  const m = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!m) return undefined;
  const uid = Number(m[1]);
  return { uid, gid: m[2] === undefined ? uid : Number(m[2]) };
}

/** The container user: the option, else the caller's uid:gid, else (caller is root) `65534:65534`. */
export function defaultUser(option?: string): string {
  if (option) return option;
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return uid === 0 ? '65534:65534' : `${uid}:${gid}`;
}

/** Creates an empty directory for an idle pooled container's workspace. */
export async function createSlot(poolDir: string, owner?: { uid: number; gid: number }): Promise<string> {
  await mkdir(poolDir, { recursive: true, mode: 0o700 });
  // The owner's pid is in the name so `reapOrphans` can remove slots of a crashed process.
  const slot = await mkdtemp(join(poolDir, `slot-${process.pid}-`));
  if (owner) await lchown(slot, owner.uid, owner.gid);
  return slot;
}

/**
 * Makes the caller's workspace directory *be* the slot directory that an idle container already
 * has bind-mounted: the workspace's entries are renamed into the slot, the now-empty workspace is
 * removed and the slot renamed to the workspace's path. A bind mount follows the directory, not its
 * path, so the running container now sees the caller's files at /workspace. Only renames: no copy.
 * Returns false (and leaves everything as it was) when the two are on different filesystems or a
 * step fails; the caller then creates a container the slow way.
 */
export function adoptWorkspace(slot: string, workspace: string): boolean {
  // Synchronous: a handful of renames, and no other code may see the half-moved state.
  const slotStat = statSync(slot);
  const wsStat = statSync(workspace);
  if (slotStat.dev !== wsStat.dev) return false;
  const moved: string[] = [];
  try {
    for (const name of readdirSync(workspace)) {
      renameSync(join(workspace, name), join(slot, name));
      moved.push(name);
    }
    rmdirSync(workspace);
  } catch {
    for (const name of moved.reverse()) tryRename(join(slot, name), join(workspace, name));
    return false;
  }
  try {
    renameSync(slot, workspace);
  } catch {
    try {
      mkdirSync(workspace);
    } catch {
      // it may exist again
    }
    for (const name of moved) tryRename(join(slot, name), join(workspace, name));
    return false;
  }
  try {
    chmodSync(workspace, wsStat.mode & 0o7777);
  } catch {
    // keeps the slot's mode
  }
  return true;
}

function tryRename(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    // best effort while undoing
  }
}
