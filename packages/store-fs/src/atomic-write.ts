import { dirname } from 'node:path';
import { errnoOf } from './io-errors.js';
import { readTail } from './jsonl.js';
import type { StoreFs } from './options.js';

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
 * Replaces a file atomically and durably: writes a temp file beside it, fsyncs it, renames it
 * over the target and fsyncs the directory. A crash leaves the old or the new content, never a mix.
 */
export async function writeFileAtomic(fs: StoreFs, path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${++tempCounter}`;
  try {
    const handle = await fs.promises.open(temp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      await handle.write(bytes, 0, bytes.length, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
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
 * The caller holds the file's lock.
 */
export async function appendDurably(fs: StoreFs, path: string, data: string): Promise<void> {
  const handle = await fs.promises.open(path, 'a+');
  try {
    const { size } = await handle.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await handle.truncate((await readTail(handle, size)).validEnd);
    }
    const bytes = Buffer.from(data, 'utf8');
    await handle.write(bytes, 0, bytes.length, null);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
