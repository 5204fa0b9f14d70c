import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeSse, type SseEvent } from './sse.js';
import { errorBody, type WireErrorType } from './wire.js';

/** The whole request body as UTF-8. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => ok(Buffer.concat(parts).toString('utf8')));
    req.on('error', fail);
  });
}

/** Response headers of an event stream. */
export function sseHeaders(): Record<string, string> {
  return { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': requestId() };
}

let requestCounter = 0;
/** A `request-id` like the real API sends. */
export function requestId(): string {
  requestCounter++;
  return `req_fake_${String(requestCounter).padStart(6, '0')}`;
}

/** Sends a JSON response unless the client already left. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId(), ...headers });
  res.end(JSON.stringify(body));
}

/** Sends a body as is (for faults that send what is not valid JSON). */
export function sendRaw(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType, 'request-id': requestId() });
  res.end(body);
}

/** Sends an error in the real shape. */
export function sendError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, errorBody(type as WireErrorType, message), headers);
}

/** Writes SSE events (honouring backpressure); ends the response after `message_stop`. */
export async function writeStream(res: ServerResponse, events: SseEvent[]): Promise<void> {
  if (res.destroyed) return;
  if (!res.headersSent) res.writeHead(200, sseHeaders());
  for (const e of events) {
    if (res.destroyed) return;
    if (!res.write(encodeSse(e))) await new Promise<void>((ok) => res.once('drain', ok));
  }
  if (events.at(-1)?.event === 'message_stop') res.end();
}

/** Waits `ms`, or less when the response closes first. */
export function sleepUnlessClosed(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((ok) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      res.off('close', done);
      ok();
    }
    res.once('close', done);
  });
}
