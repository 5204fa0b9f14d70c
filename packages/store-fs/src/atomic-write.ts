import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoOf } from './io-errors.js';
import { readTail } from './jsonl.js';
import type { StoreFs } from './options.js';
import { writeAll } from './write-all.js';

let tempCounter = 0;

/** Errors of a directory fsync that only say the platform (or an in-memory fs) cannot do it. */
const DIR_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'ENOTSUP', 'EACCES']);

/** Flushes a directory's entries (a rename or a new file) to disk, where the platform allows it. */
export async function fsyncDirectory(fs: StoreFs, dir: string): Promise<void> {
  let handle: Awaited<ReturnType<StoreFs['promises']['open']>> | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!DIR_SYNC_UNSUPPORTED.has(errnoOf(error) ?? '')) throw error;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Replaces a file atomically and durably: writes a temp file beside it (every byte, or an
 * error), fsyncs it, renames it over the target and fsyncs the directory. A crash or a full disk
 * leaves the old or the new content, never a mix. `beforeReplace` runs just before the rename
 * and may veto it by throwing (the temp file is removed).
 */
export async function writeFileAtomic(
  fs: StoreFs,
  path: string,
  data: string | Uint8Array,
  opts: { beforeReplace?: () => Promise<void> } = {},
): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${++tempCounter}`;
  try {
    const handle = await fs.promises.open(temp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      // Every byte or an error: a short temp file must never be renamed over the good one.
      await writeAll(handle, bytes, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await opts.beforeReplace?.();
    await fs.promises.rename(temp, path);
  } catch (error) {
    await fs.promises.unlink(temp).catch(() => undefined);
    throw error;
  }
  await fsyncDirectory(fs, dirname(path));
}

/**
 * Appends JSON lines to a file (created if missing) and fsyncs before returning. A torn last
 * line left by a crashed writer is truncated first, so the new lines start on a line boundary.
 * All or nothing: a write cut short (a full disk) is truncated away before the error is thrown.
 * The caller holds the file's lock.
 */
export async function appendDurably(
  fs: StoreFs,
  path: string,
  data: string,
  opts: { beforeWrite?: () => Promise<void> } = {},
): Promise<void> {
  const handle = await fs.promises.open(path, 'a+');
  try {
    let { size } = await handle.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) {
        size = (await readTail(handle, size)).validEnd;
        await handle.truncate(size);
      }
    }
    await opts.beforeWrite?.();
    await appendAllOrNothing(handle, Buffer.from(data, 'utf8'), size);
  } finally {
    await handle.close();
  }
}

/**
 * Appends `bytes` to a file (opened to append) whose size is `size`, and fsyncs. On any failure
 * the file is truncated back to `size` (and that is fsynced) before the error is rethrown, so no
 * part of the bytes stays behind. If even the truncation fails, the partial bytes end in no
 * newline or are caught by the reader's seq check; the error thrown is still the write's.
 */
export async function appendAllOrNothing(handle: FileHandle, bytes: Uint8Array, size: number): Promise<void> {
  try {
    await writeAll(handle, bytes, null);
    await handle.sync();
  } catch (error) {
    try {
      await handle.truncate(size);
      await handle.sync();
    } catch {
      // The write's error is the one to report.
    }
    throw error;
  }
}
