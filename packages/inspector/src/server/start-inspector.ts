import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { InspectorError } from '../errors.js';
import type { InspectorOptions } from '../types.js';
import { createInspector } from './create-inspector.js';

/** Options of {@link startInspector}. */
export interface StartInspectorOptions extends InspectorOptions {
  /** Default 4317; 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`. Any other address needs a `token`. */
  host?: string;
  /** Aborting it stops the server. */
  signal?: AbortSignal;
}

/** A running inspector. */
export interface RunningInspector {
  /** The page's address, with the token in its fragment (`#token=...`) when there is one. */
  url: string;
  port: number;
  /** Resolves when the server has stopped. */
  closed: Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Starts the inspector on Node's HTTP server, on 127.0.0.1 unless told otherwise.
 *
 * @throws {InspectorError} `inspector.token_required` when `host` is not a loopback address and no token is given.
 */
export async function startInspector(options: StartInspectorOptions): Promise<RunningInspector> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && !options.token) {
    throw new InspectorError(
      'inspector.token_required',
      `the inspector serves ${host}, beyond this machine: give it a token (startInspector({ host, token }))`,
    );
  }
  if (options.token !== undefined && options.token.length < 16) {
    throw new InspectorError('inspector.bad_request', 'a token needs at least 16 characters');
  }
  // Actions always need a token when the server is ours: a loopback one is made up here.
  const token = options.token ?? randomBytes(24).toString('base64url');
  const handler = createInspector({
    ...options,
    token,
    onError: options.onError ?? ((error) => console.error('sessionhub inspector:', error)),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: handler.fetch, hostname: host, port: options.port ?? 4317 }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  const close = async () => {
    if (!server.listening) return closed;
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    server.close();
    return closed;
  };
  options.signal?.addEventListener('abort', () => void close(), { once: true });
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${port}/#token=${token}`, port, closed, close };
}
