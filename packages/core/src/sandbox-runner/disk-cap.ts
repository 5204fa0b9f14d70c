import { mkdir, mkdtemp, open, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SandboxError } from '../errors.js';
import { defaultStateRoot, reapDiskCaps, STATE_PREFIX, statePaths, writeOwnerMarker } from './disk-cap-reaper.js';
import { copyBack, sh, umount } from './mount-tools.js';

/** Options of {@link WorkspaceDiskCap.mount}. */
export interface DiskCapOptions {
  /** Size of the filesystem in MiB; ext4 keeps a little of it for its own metadata. */
  sizeMb: number;
  /** Owner of the filesystem's root (the sandbox user). */
  owner?: { uid: number; gid: number };
  /**
   * Directory in which the cap's state directory (`sessionhub-disk-*`: image, mount points, owner marker) is
   * made; default `$TMPDIR/sessionhub-disk-caps`. {@link reapDiskCaps} looks there.
   */
  stateRoot?: string;
  signal?: AbortSignal;
}

/**
 * `limits.diskMb` for a sandbox whose workspace is a host directory: the workspace is moved onto a
 * filesystem of its own, a sparse ext4 image of `sizeMb` mounted over the workspace's path (loop device), so
 * every write a command makes through the workspace counts against that size and fails with ENOSPC past it,
 * while the host's disk keeps the rest. Host tools see the same path as before. {@link release} copies the
 * result back into the original directory and removes the filesystem.
 *
 * Needs root (mount, losetup) and `mkfs.ext4`; without them {@link mount} throws `sandbox.limit_unavailable`,
 * because a limit that was asked for and silently not applied is worse than none. The copy in and out costs
 * time proportional to the workspace. If the process dies while mounted, the mount stays over the workspace
 * and the image (with the session's files) stays in its state directory, marked with its owner (pid, boot id,
 * start time): the next {@link mount} under the same `stateRoot`, or {@link reapDiskCaps}, finishes the
 * release on the dead owner's behalf.
 */
export class WorkspaceDiskCap {
  private released: Promise<void> | undefined;

  private constructor(
    /** The workspace path, now a mount point. */
    readonly workspace: string,
    private readonly stateDir: string,
    private readonly original: string,
  ) {}

  /** Whether this process can mount a capped workspace (root and `mkfs.ext4` present). */
  static supported(): boolean {
    return (process.getuid?.() ?? -1) === 0;
  }

  /**
   * Moves `workspace`'s contents onto a new capped filesystem mounted at the same path.
   *
   * @throws {SandboxError} `sandbox.limit_unavailable` when not root; `sandbox.disk_full` when the workspace
   *   does not fit in `sizeMb`; `sandbox.disk_cap` when a mount step fails (everything is undone).
   */
  static async mount(workspace: string, opts: DiskCapOptions): Promise<WorkspaceDiskCap> {
    if (!WorkspaceDiskCap.supported()) {
      throw new SandboxError(
        'sandbox.limit_unavailable',
        'limits.diskMb needs root here (it mounts a size-capped filesystem over the workspace)',
      );
    }
    if (!Number.isFinite(opts.sizeMb) || opts.sizeMb < 8) {
      throw new SandboxError('sandbox.invalid_limits', `limits.diskMb must be at least 8, got ${opts.sizeMb}`);
    }
    const signal = opts.signal;
    const root = opts.stateRoot ?? defaultStateRoot();
    await mkdir(root, { recursive: true, mode: 0o700 });
    const stateRoot = await realpath(root);
    // What a process that died while holding a cap left here (perhaps over this very workspace) goes first.
    await reapDiskCaps({ stateRoot, signal });
    const stateDir = await mkdtemp(join(stateRoot, STATE_PREFIX));
    const { image, staging, original } = statePaths(stateDir);
    const undo: Array<() => Promise<unknown>> = [() => rm(stateDir, { recursive: true, force: true })];
    try {
      await writeOwnerMarker(stateDir, workspace);
      await mkdir(staging);
      await mkdir(original);
      const handle = await open(image, 'w', 0o600);
      await handle.truncate(Math.floor(opts.sizeMb * 1024 * 1024));
      await handle.close();
      const owner = opts.owner ?? { uid: 0, gid: 0 };
      await sh(
        'mkfs.ext4',
        ['-q', '-F', '-m', '0', '-O', '^has_journal', '-E', `root_owner=${owner.uid}:${owner.gid}`, image],
        signal,
      );
      await sh('mount', ['-o', 'loop,nosuid,nodev', image, staging], signal);
      undo.unshift(() => sh('umount', [staging]));
      await rm(join(staging, 'lost+found'), { recursive: true, force: true });
      try {
        await sh('cp', ['-a', '--', `${workspace}/.`, `${staging}/`], signal);
      } catch (cause) {
        throw new SandboxError(
          'sandbox.disk_full',
          `the workspace does not fit in limits.diskMb (${opts.sizeMb} MiB)`,
          { cause },
        );
      }
      await sh('umount', [staging], signal);
      undo.shift();
      // The original directory stays reachable (for the copy back) while the image hides it.
      await sh('mount', ['--bind', workspace, original], signal);
      undo.unshift(() => sh('umount', [original]));
      // Private, so the mount over the workspace does not propagate onto this bind (a shared root would).
      await sh('mount', ['--make-private', original], signal);
      await sh('mount', ['-o', 'loop,nosuid,nodev', image, workspace], signal);
      return new WorkspaceDiskCap(workspace, stateDir, original);
    } catch (error) {
      for (const step of undo) await step().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Copies the capped workspace back into the original directory (replacing what it held), unmounts
   * everything and removes the image. Call it once no process uses the workspace any more. Idempotent.
   */
  release(): Promise<void> {
    this.released ??= (async () => {
      await copyBack(this.workspace, this.original);
      await umount(this.workspace);
      await umount(this.original);
      await rm(this.stateDir, { recursive: true, force: true });
    })();
    return this.released;
  }
}
