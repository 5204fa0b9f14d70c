import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { InspectorError } from '../errors.js';

/** The header every action (POST) must carry: a page on another origin cannot send it without a CORS preflight, which the inspector never grants. */
export const ACTION_HEADER = 'x-sessionhub-action';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The host name of a `Host` header, without the port. */
function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/** The host of an `Origin` header; `undefined` for `null` or a malformed one (never equal to a `Host`). */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Guards `/api/*`:
 * - with a token, every request needs `Authorization: Bearer <token>`;
 * - without one, the `Host` must be a loopback name (a DNS-rebinding page on another name gets `inspector.forbidden`);
 * - every POST needs the {@link ACTION_HEADER} header, and is refused when `Sec-Fetch-Site` says another site
 *   sent it or `Origin` names another origin than the one served.
 */
export function guard(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    // A `Request` built in-process (an embedding server, a test) carries the host in its URL only.
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (token !== undefined) {
      const auth = c.req.header('authorization') ?? '';
      const given = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
      if (!sameToken(given, token)) {
        throw new InspectorError(
          'inspector.unauthorized',
          'this inspector needs its token (Authorization: Bearer ...)',
        );
      }
    } else if (!LOOPBACK_HOSTS.has(hostName(host).toLowerCase())) {
      throw new InspectorError(
        'inspector.forbidden',
        `host "${host}" is not a loopback name; start the inspector with a token to serve it`,
      );
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const site = c.req.header('sec-fetch-site');
      if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        throw new InspectorError(
          'inspector.forbidden',
          `actions are refused from another site (Sec-Fetch-Site: ${site})`,
        );
      }
      const origin = c.req.header('origin');
      if (origin !== undefined && originHost(origin) !== host) {
        throw new InspectorError('inspector.forbidden', `actions are refused from origin ${origin}`);
      }
      if (c.req.header(ACTION_HEADER) !== '1') {
        throw new InspectorError('inspector.forbidden', `actions need the header ${ACTION_HEADER}: 1`);
      }
    }
    await next();
  };
}
