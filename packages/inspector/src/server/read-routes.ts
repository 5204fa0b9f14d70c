import { isTerminal, type LibraryQuery, type Session, type Store } from '@sessionhub/core';
import type { Hono } from 'hono';
import { InspectorError } from '../errors.js';
import type { DeploySource, SessionLink, SessionLinkSource, SessionSummary } from '../types.js';
import { instantParam, intParam, MAX_PAGE, sessionFilter, statesParam, tagsParam } from './params.js';

/** A session for the list: no instruction or summary text, plus its duration. */
export function summarize(s: Session, now = Date.now()): SessionSummary {
  const { instruction: _instruction, summary: _summary, ...rest } = s;
  const end = isTerminal(s.state) ? Date.parse(s.updatedAt) : now;
  return { ...rest, durationMs: Math.max(0, end - Date.parse(s.createdAt)) };
}

async function sessionOr404(store: Store, id: string, signal: AbortSignal): Promise<Session> {
  const session = await store.getSession(id, { signal });
  if (!session) throw new InspectorError('inspector.not_found', `session ${id} not found`);
  return session;
}

/** The read-only JSON API: sessions, one session and its events, library, templates, analytics, Foundation versions, deploys. */
export function readRoutes(
  app: Hono,
  store: Store,
  deploys: DeploySource | undefined,
  links: SessionLinkSource | undefined,
): void {
  app.get('/api/sessions', async (c) => {
    const signal = c.req.raw.signal;
    const limit = intParam(c.req.query('limit'), 'limit', 50, MAX_PAGE) || 50;
    const offset = intParam(c.req.query('offset'), 'offset', 0);
    const filter = sessionFilter((n) => c.req.query(n), c.req.queries('tag') ?? []);
    // One more than asked tells whether a next page exists without counting 100k rows.
    const rows = await store.listSessions({ ...filter, limit: limit + 1, offset }, { signal });
    const now = Date.now();
    return c.json({
      sessions: rows.slice(0, limit).map((s) => summarize(s, now)),
      offset,
      limit,
      hasMore: rows.length > limit,
    });
  });

  app.get('/api/sessions/:id', async (c) => {
    const session = await sessionOr404(store, c.req.param('id'), c.req.raw.signal);
    return c.json({ session, durationMs: summarize(session).durationMs });
  });

  app.get('/api/sessions/:id/events', async (c) => {
    const signal = c.req.raw.signal;
    const id = c.req.param('id');
    await sessionOr404(store, id, signal);
    const fromSeq = intParam(c.req.query('from'), 'from', 1) || 1;
    const limit = intParam(c.req.query('limit'), 'limit', 1000, 5000) || 1000;
    // One more than asked tells whether more follow, so a reader never asks for an empty last page.
    const read = await store.readEvents(id, { fromSeq, limit: limit + 1, signal });
    const events = read.slice(0, limit);
    const last = events[events.length - 1];
    return c.json({ events, next: last ? last.seq + 1 : fromSeq, done: read.length <= limit });
  });

  app.get('/api/sessions/:id/foundation', async (c) => {
    const signal = c.req.raw.signal;
    const id = c.req.param('id');
    await sessionOr404(store, id, signal);
    const versions = await store.listFoundationVersions({ signal });
    const index = versions.findIndex((v) => v.sessionId === id);
    const current = versions[index];
    const previous = current ? versions.slice(0, index).findLast((v) => v.path === current.path) : undefined;
    return c.json({ current: current ?? null, previous: previous ?? null });
  });

  app.get('/api/sessions/:id/links', async (c) => {
    const signal = c.req.raw.signal;
    const session = await sessionOr404(store, c.req.param('id'), signal);
    const own = links ? await links(session, { signal }) : [];
    const records = deploys ? await deploys.history({ signal }) : [];
    const deployLinks: SessionLink[] = records
      .filter((r) => r.sessionIds.includes(session.id))
      .map((r) => ({
        kind: 'deploy',
        label: `${r.kind} ${r.tag} → ${r.target} @ ${r.sha.slice(0, 10)} (${r.version})`,
      }));
    return c.json({ links: [...own, ...deployLinks] });
  });

  app.get('/api/library', async (c) => {
    const state = statesParam(c.req.query('state'));
    const tags = tagsParam(c.req.queries('tag') ?? [], c.req.query('tags'));
    const since = instantParam(c.req.query('since'), 'since');
    const query: LibraryQuery = {
      text: c.req.query('q') ?? '',
      limit: intParam(c.req.query('limit'), 'limit', 20, 100) || 20,
      ...(state ? { state } : {}),
      ...(tags ? { tags } : {}),
      ...(since ? { since } : {}),
    };
    const hits = await store.searchLibrary(query, { signal: c.req.raw.signal });
    return c.json({
      hits: hits.map((h) => ({ score: h.score, session: { ...summarize(h.session), summary: h.session.summary } })),
    });
  });

  app.get('/api/templates', async (c) =>
    c.json({ templates: await store.listTemplates({ signal: c.req.raw.signal }) }),
  );

  app.get('/api/analytics', async (c) => {
    const bucket = c.req.query('bucket') ?? 'day';
    if (bucket !== 'day' && bucket !== 'week' && bucket !== 'month') {
      throw new InspectorError('inspector.bad_request', `bucket must be day, week or month, got "${bucket}"`);
    }
    const since = instantParam(c.req.query('since'), 'since');
    const until = instantParam(c.req.query('until'), 'until');
    const templateId = c.req.query('template') || undefined;
    const report = await store.analytics(
      {
        bucket,
        top: 10,
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
        ...(templateId ? { templateId } : {}),
      },
      { signal: c.req.raw.signal },
    );
    return c.json(report);
  });

  app.get('/api/foundation', async (c) => {
    const path = c.req.query('path');
    const versions = await store.listFoundationVersions({ signal: c.req.raw.signal, ...(path ? { path } : {}) });
    return c.json({ versions });
  });

  app.get('/api/deploys', async (c) => {
    const records = deploys ? await deploys.history({ signal: c.req.raw.signal }) : [];
    const session = c.req.query('session');
    return c.json({
      available: deploys !== undefined,
      deploys: session ? records.filter((r) => r.sessionIds.includes(session)) : records,
    });
  });
}
