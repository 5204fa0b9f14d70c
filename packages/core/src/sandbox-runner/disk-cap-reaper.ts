import { open, readdir, readFile, realpath, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClaimHolder, holderIsDead, thisHolder } from '../engine/claim-holder.js';
import { copyBack, sh, umount } from './mount-tools.js';

/** How a disk cap's state directory is named: `<stateRoot>/sessionhub-disk-XXXXXX`. */
export const STATE_PREFIX = 'sessionhub-disk-';

/**
 * Where caps' state directories live unless `stateRoot` says otherwise: a directory of their own under the temp
 * dir, so the reaper reads only them (a shared temp dir can hold tens of thousands of entries).
 */
export function defaultStateRoot(): string {
  return join(tmpdir(), 'sessionhub-disk-caps');
}
const MARKER = 'owner.json';
const LOCK = 'reaping.json';

/** The files of a state directory: the image and the two mount points. */
export function statePaths(stateDir: string): { image: string; staging: string; original: string } {
  return {
    image: join(stateDir, 'disk.img'),
    staging: join(stateDir, 'staging'),
    original: join(stateDir, 'original'),
  };
}

/** What the marker beside the image says: who mounted it, over which workspace. */
interface OwnerMarker {
  holder: ClaimHolder;
  workspace: string;
}

/** Writes the owner marker (this process) before anything is mounted. */
export async function writeOwnerMarker(stateDir: string, workspace: string): Promise<void> {
  const marker: OwnerMarker = { holder: thisHolder(), workspace: await realpath(workspace) };
  await writeFile(join(stateDir, MARKER), JSON.stringify(marker), { mode: 0o600 });
}

/** Options of {@link reapDiskCaps}. */
export interface ReapDiskCapsOptions {
  /** Where the caps' state directories are (`DiskCapOptions.stateRoot`); default `$TMPDIR/sessionhub-disk-caps`. */
  stateRoot?: string;
  signal?: AbortSignal;
}

/**
 * Finishes the release of every workspace disk cap whose owner died while it was mounted (a host process
 * killed with its sandboxes live): the capped workspace is copied back into its original directory (the
 * session's files are kept, as a release would), then the image is unmounted from the workspace, the original's
 * bind and any half-done staging mount are unmounted, the image's loop devices are detached, and the state
 * directory is removed. The owner is dead when its marker names this host and a pid that is gone or now a
 * different process (same boot id, pid namespace and start-time check as the engine's claims). Caps of live
 * processes, of other hosts, and directories without a marker are left alone. `WorkspaceDiskCap.mount` calls it
 * before it mounts. Needs root, as mounting does.
 *
 * @returns the workspaces whose caps were reaped.
 */
export async function reapDiskCaps(opts: ReapDiskCapsOptions = {}): Promise<string[]> {
  let stateRoot: string;
  let names: string[];
  try {
    // Canonical, as /proc/self/mountinfo names the mount points under it.
    stateRoot = await realpath(opts.stateRoot ?? defaultStateRoot());
    names = await readdir(stateRoot);
  } catch {
    return [];
  }
  const reaped: string[] = [];
  for (const name of names) {
    if (!name.startsWith(STATE_PREFIX)) continue;
    opts.signal?.throwIfAborted();
    const stateDir = join(stateRoot, name);
    const marker = await readMarker(join(stateDir, MARKER));
    if (!marker || !holderIsDead(marker.holder)) continue;
    if (!(await takeReapLock(stateDir))) continue;
    await reapOne(stateDir, marker.workspace, opts.signal);
    reaped.push(marker.workspace);
  }
  return reaped;
}

async function readMarker(path: string): Promise<OwnerMarker | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<OwnerMarker>;
    return typeof parsed.workspace === 'string' && typeof parsed.holder === 'object' && parsed.holder !== null
      ? (parsed as OwnerMarker)
      : undefined;
  } catch {
    return undefined;
  }
}

/** One reaper per directory: a lock file naming this process; a dead reaper's lock is taken over. */
async function takeReapLock(stateDir: string): Promise<boolean> {
  const path = join(stateDir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(JSON.stringify(thisHolder()));
      await handle.close();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
      let holder: ClaimHolder | undefined;
      try {
        holder = JSON.parse(await readFile(path, 'utf8')) as ClaimHolder;
      } catch {
        holder = undefined;
      }
      if (holder && !holderIsDead(holder)) return false;
      await unlink(path).catch(() => undefined);
    }
  }
  return false;
}

async function reapOne(stateDir: string, workspace: string, signal: AbortSignal | undefined): Promise<void> {
  const { image, staging, original } = statePaths(stateDir);
  const loops = await loopDevicesOf(image, signal);
  const mounts = await mountTable();
  // A crash while the workspace was copied in: the staging mount only.
  if (mounts.some((m) => m.point === staging)) await umount(staging);
  const covered = mounts.some((m) => m.point === workspace && loops.includes(m.source));
  const bound = mounts.some((m) => m.point === original);
  if (covered && bound) {
    await copyBack(workspace, original);
    await umount(workspace);
  } else if (covered) {
    // Without the original's bind the files cannot be put back: keep the image, unmounted, for a person.
    await umount(workspace);
    return;
  }
  if (bound) await umount(original);
  // A loop mount made with `mount -o loop` detaches on unmount; one left by a lazy unmount is detached here.
  for (const device of await loopDevicesOf(image, signal)) await sh('losetup', ['-d', device]).catch(() => undefined);
  await rm(stateDir, { recursive: true, force: true });
}

/** The loop devices whose backing file is `image` (`losetup -j`). */
async function loopDevicesOf(image: string, signal: AbortSignal | undefined): Promise<string[]> {
  const out = await sh('losetup', ['-j', image], signal).catch(() => '');
  return [...out.matchAll(/^(\/dev\/loop\d+):/gm)].map((m) => m[1] as string);
}

/** Mount points and sources of this mount namespace, from `/proc/self/mountinfo` (octal escapes decoded). */
async function mountTable(): Promise<Array<{ point: string; source: string }>> {
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const decode = (s: string) =>
    s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  const table: Array<{ point: string; source: string }> = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    const point = fields[4];
    const source = fields[dash + 2];
    if (dash < 0 || point === undefined || source === undefined) continue;
    table.push({ point: decode(point), source: decode(source) });
  }
  return table;
}
