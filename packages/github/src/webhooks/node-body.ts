import type { IncomingMessage } from 'node:http';

/** Reads a request body; `undefined` (and stops reading) once it passes `max` bytes. */
export function readLimited(req: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > max) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((ok, fail) => {
    const parts: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        parts.length = 0;
        ok(undefined);
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => {
      if (!over) ok(Buffer.concat(parts));
    });
    req.on('error', fail);
  });
}
