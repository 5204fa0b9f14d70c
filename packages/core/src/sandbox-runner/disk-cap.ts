import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SandboxError } from '../errors.js';

const run = promisify(execFile);

/** Options of {@link WorkspaceDiskCap.mount}. */
export interface DiskCapOptions {
  /** Size of the filesystem in MiB; ext4 keeps a little of it for its own metadata. */
  sizeMb: number;
  /** Owner of the filesystem's root (the sandbox user). */
  owner?: { uid: number; gid: number };
  /** Where the image and mount points live; default a new directory under the temp dir. */
  stateDir?: string;
  signal?: AbortSignal;
}

async function sh(file: string, args: string[], signal?: AbortSignal): Promise<string> {
  try {
    const { stdout } = await run(file, args, { signal, encoding: 'utf8', maxBuffer: 1024 * 1024 });
    return stdout;
  } catch (cause) {
    const stderr = (cause as { stderr?: string }).stderr ?? '';
    throw new SandboxError('sandbox.disk_cap', `${file} ${args.join(' ')} failed: ${stderr.trim() || String(cause)}`, {
      cause,
    });
  }
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
 * and the image (with the session's files) stays in `stateDir`.
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
    const stateDir = opts.stateDir ?? (await mkdtemp(join(tmpdir(), 'sessionhub-disk-')));
    const image = join(stateDir, 'disk.img');
    const staging = join(stateDir, 'staging');
    const original = join(stateDir, 'original');
    const undo: Array<() => Promise<unknown>> = [() => rm(stateDir, { recursive: true, force: true })];
    const signal = opts.signal;
    try {
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
      const incoming = join(this.original, `.sessionhub-incoming-${process.pid}-${Date.now()}`);
      await mkdir(incoming);
      // Copy first, on the original's filesystem: until the copy is whole, nothing of the original is removed.
      await sh('cp', ['-a', '--', `${this.workspace}/.`, `${incoming}/`]);
      const incomingName = incoming.slice(this.original.length + 1);
      for (const name of await readdir(this.original)) {
        if (name !== incomingName) await rm(join(this.original, name), { recursive: true, force: true });
      }
      for (const name of await readdir(incoming)) await rename(join(incoming, name), join(this.original, name));
      await rmdir(incoming);
      await umount(this.workspace);
      await umount(this.original);
      await rm(this.stateDir, { recursive: true, force: true });
    })();
    return this.released;
  }
}

/** Unmounts, retrying briefly while the last processes of a sandbox release it, then lazily. */
async function umount(path: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await sh('umount', [path]);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await sh('umount', ['-l', path]);
}
