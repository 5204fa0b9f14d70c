import { SessionHubError } from '@sessionhub/core';
import { Hono } from 'hono';
import { InspectorError, statusOf } from '../errors.js';
import type { InspectorOptions } from '../types.js';
import { actionRoutes } from './action-routes.js';
import { assetRoutes, defaultAssetsDir } from './assets.js';
import { guard } from './guard.js';
import { liveStream } from './live-stream.js';
import { intParam } from './params.js';
import { readRoutes } from './read-routes.js';

/** A fetch-style handler: mount it in any server that speaks `Request`/`Response`. */
export interface InspectorHandler {
  fetch(request: Request): Response | Promise<Response>;
}

/**
 * The inspector as a handler: the page at `/`, the JSON API and live SSE under `/api`.
 *
 * @example
 * ```ts
 * const inspector = createInspector({ store, hub });
 * serve({ fetch: inspector.fetch, hostname: '127.0.0.1', port: 4317 });
 * ```
 */
export function createInspector(options: InspectorOptions): InspectorHandler {
  const { store, hub, deploys, links, token } = options;
  const pollMs = options.pollMs ?? 250;
  const app = new Hono();
  app.onError((error, c) => {
    if (SessionHubError.isInstance(error)) {
      const code = (error as SessionHubError).code;
      return c.json({ error: { code, message: error.message } }, statusOf(code));
    }
    // Anything else is a defect, not the caller's doing: its details go to `onError`, not to the client.
    options.onError?.(error);
    return c.json({ error: { code: 'inspector.internal', message: 'internal error' } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: 'inspector.not_found', message: `no route ${c.req.path}` } }, 404));
  app.use('/api/*', guard(token));
  app.get('/api/info', (c) =>
    c.json({ store: store.name, actions: hub !== undefined, deploys: deploys !== undefined }),
  );
  readRoutes(app, store, deploys, links);
  app.get('/api/sessions/:id/stream', async (c) => {
    const sessionId = c.req.param('id');
    if (!(await store.getSession(sessionId, { signal: c.req.raw.signal }))) {
      throw new InspectorError('inspector.not_found', `session ${sessionId} not found`);
    }
    const lastId = c.req.header('last-event-id');
    const fromSeq = lastId ? intParam(lastId, 'Last-Event-ID', 0) + 1 : intParam(c.req.query('from'), 'from', 1) || 1;
    return liveStream(c, { store, hub, sessionId, fromSeq, pollMs });
  });
  actionRoutes(app, store, hub);
  assetRoutes(app, options.assetsDir ?? defaultAssetsDir());
  return { fetch: (request) => app.fetch(request) };
}
