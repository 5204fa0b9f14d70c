import type { FileHandle } from 'node:fs/promises';

/**
 * Writes every byte of `bytes` at `position` (`null`: at the end, for a file opened to append),
 * looping over short writes. A disk that fills part-way returns a short write first and `ENOSPC`
 * on the next one: the caller gets that error, never a silently shortened file. Returns the
 * number of bytes written (always `bytes.length`).
 */
export async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number | null): Promise<number> {
  let done = 0;
  while (done < bytes.length) {
    const at = position === null ? null : position + done;
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, at);
    if (bytesWritten <= 0) {
      throw Object.assign(new Error(`write made no progress after ${done} of ${bytes.length} bytes`), {
        code: 'ENOSPC',
      });
    }
    done += bytesWritten;
  }
  return done;
}
