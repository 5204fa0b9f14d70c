import type { ServerResponse } from 'node:http';

/** The receiver's answer to one request. */
export interface WebhookAnswer {
  status: number;
  body: { ok: boolean; message: string; jobs?: number; duplicate?: boolean };
}

/** A webhook request, transport-free: lower-case header names, the raw body bytes. */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

/** The first value of a request header (`name` in lower case). */
export function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** An answer: `ok` when `status` is below 300. */
export const answer = (status: number, message: string, extra: Partial<WebhookAnswer['body']> = {}): WebhookAnswer => ({
  status,
  body: { ok: status < 300, message, ...extra },
});

/** Writes an answer to a `node:http` response as JSON. */
export function sendAnswer(res: ServerResponse, result: WebhookAnswer): void {
  res.writeHead(result.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(result.body));
}
