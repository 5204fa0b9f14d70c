import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/;

/**
 * Whether `signature` (GitHub's `X-Hub-Signature-256`, `sha256=<hex>`) is the HMAC-SHA256 of the raw `payload`
 * bytes under `secret`. Compared with `timingSafeEqual` (constant time for a well-formed header); never throws.
 * The raw bytes are hashed, as GitHub does, so a body that is not valid UTF-8 is not re-encoded first.
 */
export function verifySignature(secret: string, payload: string | Uint8Array, signature: string | undefined): boolean {
  const match = signature === undefined ? null : SIGNATURE.exec(signature);
  if (!match || secret.length === 0) return false;
  const expected = createHmac('sha256', secret).update(payload).digest();
  return timingSafeEqual(expected, Buffer.from(match[1] as string, 'hex'));
}

/** The `X-Hub-Signature-256` value for `payload` under `secret` (for senders and tests). */
export function signPayload(secret: string, payload: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
}
