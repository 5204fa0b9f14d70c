import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A small file system mounted for a fault test, and the faults it can stage. */
export interface FaultMount {
  /** Where the store lives, inside the mount. */
  dir: string;
  /** Fills the file system with a filler file until only about `leaveBytes` stay free. */
  fill(leaveBytes: number): Promise<void>;
  /** Removes the filler: space is back. */
  free(): Promise<void>;
  /** Remounts the file system read-only (`mount -o remount,ro`). */
  readOnly(): Promise<void>;
  /** Remounts it writable again. */
  writable(): Promise<void>;
  /** Unmounts and removes the mount point. */
  dispose(): Promise<void>;
}

/** A mounted {@link FaultMount}, or why none could be mounted here. */
export type FaultMountResult = { mount: FaultMount; skip?: undefined } | { mount?: undefined; skip: string };

/**
 * Mounts a tmpfs of `sizeBytes` (`mount -t tmpfs -o size=...`) for disk-full and read-only
 * faults. Needs Linux and root (or `CAP_SYS_ADMIN`); elsewhere it returns the reason to skip. With
 * `CI=true` as root a failure to mount throws instead, so CI never skips these faults silently.
 */
export async function mountFaultTmpfs(sizeBytes: number): Promise<FaultMountResult> {
  if (process.platform !== 'linux') return { skip: `tmpfs faults need Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { skip: 'tmpfs faults need root to mount a small file system' };
  const point = await mkdtemp(join(tmpdir(), 'sessionhub-fault-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', point]);
  } catch (error) {
    await rm(point, { recursive: true, force: true });
    const reason = `cannot mount a tmpfs here (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
    if (process.env.CI === 'true') throw new Error(`${reason}: CI must run the disk faults`);
    return { skip: reason };
  }
  const dir = join(point, 'store');
  await mkdir(dir);
  const filler = join(point, 'filler');
  const remount = (mode: 'ro' | 'rw') => run('mount', ['-o', `remount,${mode}`, point]).then(() => undefined);
  return {
    mount: {
      dir,
      async fill(leaveBytes) {
        const chunk = Buffer.alloc(64 * 1024);
        const handle = await open(filler, 'a');
        let size = 0;
        try {
          for (;;) {
            const { bytesWritten } = await handle.write(chunk, 0, chunk.length, null);
            size += bytesWritten;
            if (bytesWritten < chunk.length) break;
          }
        } catch (error) {
          if ((error as { code?: unknown }).code !== 'ENOSPC') throw error;
        } finally {
          await handle.close();
        }
        const { size: filled } = await stat(filler);
        await truncate(filler, Math.max(0, Math.max(size, filled) - leaveBytes));
      },
      free: () => rm(filler, { force: true }),
      readOnly: () => remount('ro'),
      writable: () => remount('rw'),
      async dispose() {
        await remount('rw').catch(() => undefined);
        await run('umount', [point]).catch(() => run('umount', ['-l', point]));
        await rm(point, { recursive: true, force: true });
      },
    },
  };
}
