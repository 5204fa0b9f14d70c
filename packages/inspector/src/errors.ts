import { SessionHubError } from '@sessionhub/core';

/**
 * An inspector request or set-up that cannot be served. Codes:
 * `inspector.bad_request` (a malformed query or body), `inspector.not_found` (unknown session or route),
 * `inspector.unauthorized` (missing or wrong token), `inspector.forbidden` (a cross-site or header-less action,
 * an unexpected `Host`), `inspector.read_only` (an action without a `hub`), `inspector.token_required`
 * (bound to a non-loopback address without a token), `inspector.invalid_state` (e.g. a template from a session
 * that has not succeeded), `inspector.assets_missing` (the page was not built).
 */
export class InspectorError extends SessionHubError {}

/** HTTP status of an inspector error code (and of core's codes an action may surface). */
export function statusOf(code: string): 400 | 401 | 403 | 404 | 409 | 500 | 503 {
  switch (code) {
    case 'inspector.bad_request':
    case 'session.invalid_input':
    case 'budget.still_exceeded':
      return 400;
    case 'inspector.unauthorized':
      return 401;
    case 'inspector.forbidden':
      return 403;
    case 'inspector.not_found':
    case 'session.not_found':
    case 'store.not_found':
      return 404;
    case 'inspector.invalid_state':
    case 'session.invalid_state':
    case 'session.owned_elsewhere':
    case 'store.conflict':
      return 409;
    case 'inspector.read_only':
    case 'inspector.assets_missing':
      return 503;
    default:
      return 500;
  }
}
