import { chmodSync, readdirSync, renameSync, statSync } from 'node:fs';
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

/** What {@link adoptWorkspace} did: the entries it moved and where the emptied workspace directory went. */
export interface Adoption {
  /** Names of the workspace's entries, now inside the adopted slot (only these may need a chown). */
  moved: string[];
  /** The caller's emptied workspace directory, renamed next to the slot: remove it off the hot path. */
  retired: string;
}

/**
 * Makes the caller's workspace directory *be* the slot directory that an idle container already
 * has bind-mounted: the workspace's entries are renamed into the slot, the now-empty workspace is
 * renamed away (to `<slot>-retired`, in the pool directory) and the slot renamed to the workspace's path.
 * A bind mount follows the directory, not its path, so the running container now sees the caller's files
 * at /workspace. Only renames, no copy and no removal: removing a directory costs a journal update that
 * took 1–4 ms on a busy ext4 disk, so the caller removes `retired` afterwards, off the acquire's path (its
 * name starts with the slot's `slot-<pid>-`, so `reapOrphans` removes one a crashed process left).
 * Returns undefined (and leaves everything as it was) when the two are on different filesystems or a
 * step fails; the caller then creates a container the slow way.
 */
export function adoptWorkspace(slot: string, workspace: string): Adoption | undefined {
  // Synchronous: a handful of renames, and no other code may see the half-moved state.
  const slotStat = statSync(slot);
  const wsStat = statSync(workspace);
  if (slotStat.dev !== wsStat.dev) return undefined;
  const retired = `${slot}-retired`;
  const moved: string[] = [];
  const moveBack = () => {
    for (const name of [...moved].reverse()) tryRename(join(slot, name), join(workspace, name));
  };
  try {
    for (const name of readdirSync(workspace)) {
      renameSync(join(workspace, name), join(slot, name));
      moved.push(name);
    }
    renameSync(workspace, retired);
  } catch {
    moveBack();
    return undefined;
  }
  try {
    renameSync(slot, workspace);
  } catch {
    tryRename(retired, workspace);
    moveBack();
    return undefined;
  }
  try {
    chmodSync(workspace, wsStat.mode & 0o7777);
  } catch {
    // keeps the slot's mode
  }
  return { moved, retired };
}

function tryRename(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    // best effort while undoing
  }
}
