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

/** Reads a fetch-API body; `undefined` (and stops reading) once it passes `max` bytes. */
export async function readStreamLimited(request: Request, max: number): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}
