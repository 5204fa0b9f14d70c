import { fileURLToPath } from 'node:url';
import type { SessionEvent } from '@sessionhub/core';
import { spawnTs, waitForLine, watchChild } from '@sessionhub/core/testing';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInspector } from '../src/index.js';
import { type Seeded, seedStore } from './support/fixture.js';

let seeded: Seeded;
beforeAll(async () => {
  seeded = await seedStore();
});
afterAll(() => seeded?.close());

const base = 'http://127.0.0.1:4317';
async function json<T>(
  inspector: ReturnType<typeof createInspector>,
  path: string,
): Promise<{ status: number; body: T }> {
  const res = await inspector.fetch(new Request(`${base}${path}`));
  return { status: res.status, body: (await res.json()) as T };
}

/** Reads SSE `event` messages until `end` or `count` of them. */
async function readStream(res: Response, until: (events: SessionEvent[]) => boolean): Promise<SessionEvent[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SessionEvent[] = [];
  let buffer = '';
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').find((l) => l.startsWith('data:'));
      if (block.includes('event: event') && data) events.push(JSON.parse(data.slice(5).trim()) as SessionEvent);
      end = buffer.indexOf('\n\n');
    }
  }
  await reader.cancel();
  return events;
}

describe('inspector JSON API over a SQLite store', () => {
  it('lists sessions newest first with summaries, filters and pages', async () => {
    const inspector = createInspector({ store: seeded.store });
    const all = await json<{
      sessions: Array<{ id: string; state: string; instruction?: string; durationMs: number }>;
      hasMore: boolean;
    }>(inspector, '/api/sessions');
    expect(all.status).toBe(200);
    expect(all.body.sessions.map((s) => s.state)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(all.body.sessions[2]?.id).toBe(seeded.fullId);
    expect(all.body.sessions[0]).not.toHaveProperty('instruction');
    expect(all.body.sessions.every((s) => s.durationMs >= 0)).toBe(true);
    const failed = await json<{ sessions: Array<{ state: string }> }>(inspector, '/api/sessions?state=failed');
    expect(failed.body.sessions.map((s) => s.state)).toEqual(['failed']);
    const tagged = await json<{ sessions: Array<{ id: string }> }>(inspector, '/api/sessions?tag=greeting');
    expect(tagged.body.sessions.map((s) => s.id)).toEqual([seeded.fullId]);
    const page = await json<{ sessions: unknown[]; hasMore: boolean }>(inspector, '/api/sessions?limit=2&offset=0');
    expect(page.body).toMatchObject({ hasMore: true });
    expect(page.body.sessions).toHaveLength(2);
    const last = await json<{ sessions: unknown[]; hasMore: boolean }>(inspector, '/api/sessions?limit=2&offset=2');
    expect(last.body.sessions).toHaveLength(1);
    expect(last.body.hasMore).toBe(false);
  });

  it('answers bad query parameters with inspector.bad_request', async () => {
    const inspector = createInspector({ store: seeded.store });
    for (const q of ['state=done', 'limit=-1', 'limit=100000', 'since=yesterday']) {
      const res = await json<{ error: { code: string; message: string } }>(inspector, `/api/sessions?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code, q).toBe('inspector.bad_request');
    }
    const analytics = await json<{ error: { code: string } }>(inspector, '/api/analytics?bucket=year');
    expect(analytics.body.error.code).toBe('inspector.bad_request');
  });

  it('gives one session, its events by seq, and its Foundation versions', async () => {
    const inspector = createInspector({ store: seeded.store });
    const one = await json<{ session: { id: string; instruction: string } }>(
      inspector,
      `/api/sessions/${seeded.fullId}`,
    );
    expect(one.body.session.instruction).toContain('OBJECTIVES:');
    const events = await json<{ events: SessionEvent[]; next: number; done: boolean }>(
      inspector,
      `/api/sessions/${seeded.fullId}/events?from=1&limit=5`,
    );
    expect(events.body.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events.body).toMatchObject({ next: 6, done: false });
    const rest = await json<{ events: SessionEvent[]; done: boolean }>(
      inspector,
      `/api/sessions/${seeded.fullId}/events?from=6`,
    );
    const types = [...events.body.events, ...rest.body.events].map((e) => e.type);
    expect(types).toContain('planner.reask');
    expect(types).toContain('verifier.gate');
    expect(types).toContain('foundation.updated');
    expect(types[types.length - 1]).toBe('session.finished');
    expect(rest.body.done).toBe(true);
    // A page that ends exactly at the last event says so: no empty page to ask for.
    const exact = await json<{ events: SessionEvent[]; done: boolean }>(
      inspector,
      `/api/sessions/${seeded.fullId}/events?from=1&limit=${types.length}`,
    );
    expect(exact.body.events).toHaveLength(types.length);
    expect(exact.body.done).toBe(true);
    const foundation = await json<{ current: { version: string; text: string }; previous: null }>(
      inspector,
      `/api/sessions/${seeded.fullId}/foundation`,
    );
    expect(foundation.body.current.version).toBe('1.1');
    const missing = await json<{ error: { code: string } }>(inspector, '/api/sessions/nope/events');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('inspector.not_found');
  });

  it('searches the library, lists templates, answers analytics and deploys', async () => {
    const deploys = {
      history: async () => [
        {
          kind: 'deploy' as const,
          tag: 'sessionhub/v1.1',
          seq: 1,
          target: 'main',
          sha: 'a'.repeat(40),
          previousSha: 'b'.repeat(40),
          version: '1.1',
          sessionIds: [seeded.fullId],
          at: '2026-01-01T00:00:00.000Z',
        },
      ],
    };
    const inspector = createInspector({ store: seeded.store, deploys });
    const hits = await json<{ hits: Array<{ session: { id: string } }> }>(inspector, '/api/library?q=greet');
    expect(hits.body.hits.map((h) => h.session.id)).toContain(seeded.fullId);
    const templates = await json<{ templates: unknown[] }>(inspector, '/api/templates');
    expect(templates.body.templates).toEqual([]);
    const analytics = await json<{
      overall: { total: number; succeeded: number };
      topFailingGates: Array<{ gate: string; failures: number }>;
    }>(inspector, '/api/analytics');
    expect(analytics.body.overall).toMatchObject({ total: 3, succeeded: 2 });
    expect(analytics.body.topFailingGates[0]).toEqual({ gate: 'tests', failures: 3 });
    const forSession = await json<{ deploys: Array<{ tag: string }> }>(
      inspector,
      `/api/deploys?session=${seeded.fullId}`,
    );
    expect(forSession.body.deploys.map((d) => d.tag)).toEqual(['sessionhub/v1.1']);
    const none = await json<{ deploys: unknown[] }>(inspector, '/api/deploys?session=other');
    expect(none.body.deploys).toEqual([]);
    const withLinks = createInspector({
      store: seeded.store,
      deploys,
      links: async (session) => [
        { kind: 'commit', label: `commit of ${session.id}`, url: 'https://example.invalid/c/1' },
      ],
    });
    const links = await json<{ links: Array<{ kind: string; label: string }> }>(
      withLinks,
      `/api/sessions/${seeded.fullId}/links`,
    );
    expect(links.body.links).toEqual([
      { kind: 'commit', label: `commit of ${seeded.fullId}`, url: 'https://example.invalid/c/1' },
      { kind: 'deploy', label: `deploy sessionhub/v1.1 → main @ ${'a'.repeat(10)} (1.1)` },
    ]);
  });

  it('streams a session written through another connection, from a seq, live, until it ends', async () => {
    // A second connection to the file stands for another process running the session.
    const writer = await openSqliteStore({ path: seeded.storePath });
    try {
      const hub = seeded.hub({ store: writer });
      const handle = await hub.run({ request: 'Wave at visitors' });
      const inspector = createInspector({ store: seeded.store, pollMs: 20 });
      const res = await inspector.fetch(new Request(`${base}/api/sessions/${handle.id}/stream?from=1`));
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const seen = await readStream(res, (events) => events.some((e) => e.type === 'approval.requested'));
      expect(seen.map((e) => e.seq)).toEqual(seen.map((_e, i) => i + 1));
      // The session continues while the stream follows it: the rest arrives live, in order, then `end`.
      const tail = inspector.fetch(
        new Request(`${base}/api/sessions/${handle.id}/stream`, { headers: { 'last-event-id': String(seen.length) } }),
      );
      await hub.approve(handle.id);
      const after = await readStream(await tail, (events) => events.some((e) => e.type === 'session.finished'));
      expect(after[0]?.seq).toBe(seen.length + 1);
      expect(after.map((e) => e.type)).toContain('approval.resolved');
      expect(after[after.length - 1]?.type).toBe('session.finished');
      await handle.result;
    } finally {
      await writer.close();
    }
  });

  it('rejects, cancels and resumes sessions through the hub it was given', async () => {
    const hub = seeded.hub();
    const inspector = createInspector({ store: seeded.store, hub });
    const toReject = await hub.run({ request: 'Rejected greeting' });
    const toCancel = await hub.run({ request: 'Cancelled greeting' });
    for (const id of [toReject.id, toCancel.id]) {
      while ((await seeded.store.getSession(id))?.state !== 'awaiting_approval')
        await new Promise((r) => setTimeout(r, 10));
    }
    const act = (id: string, action: string, body: unknown = {}) =>
      inspector.fetch(
        new Request(`${base}/api/sessions/${id}/${action}`, {
          method: 'POST',
          headers: { 'x-sessionhub-action': '1', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    expect((await act(toReject.id, 'reject', { reason: 'not now' })).status).toBe(200);
    expect((await act(toCancel.id, 'cancel')).status).toBe(200);
    expect((await toReject.result).session).toMatchObject({ state: 'failed', error: { code: 'approval.rejected' } });
    expect((await seeded.store.getSession(toCancel.id))?.state).toBe('cancelled');
    const resolved = (await seeded.store.readEvents(toReject.id)).find((e) => e.type === 'approval.resolved');
    expect(resolved).toMatchObject({ approved: false, reason: 'not now' });
    // Approving a session that no longer waits is the engine's refusal, passed on with its code.
    const late = await act(toReject.id, 'approve');
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('session.invalid_state');
    // Resuming an ended session answers at once and changes nothing.
    const before = (await seeded.store.readEvents(toCancel.id)).length;
    expect((await act(toCancel.id, 'resume')).status).toBe(200);
    expect(await seeded.store.readEvents(toCancel.id)).toHaveLength(before);
  });

  it('streams a session another process runs, live, with no engine of its own', async () => {
    const worker = fileURLToPath(new URL('./workers/run-session.ts', import.meta.url));
    const child = spawnTs(worker, [JSON.stringify({ storePath: seeded.storePath, workspace: seeded.workspace })]);
    const watch = watchChild(child);
    try {
      const started = await new Promise<string>((resolve, reject) => {
        watch.onLine((line) => line.startsWith('started ') && resolve(line.slice('started '.length)));
        void watch.exited.then(() => reject(new Error(`worker exited: ${watch.stderr()}`)));
      });
      const inspector = createInspector({ store: seeded.store, pollMs: 20 });
      const res = await inspector.fetch(new Request(`${base}/api/sessions/${started}/stream`));
      const reader = readStream(res, (events) => events.some((e) => e.type === 'session.finished'));
      // The worker waits for "go" after its first progress: the stream has the session mid-run.
      const before = await readStream(
        await inspector.fetch(new Request(`${base}/api/sessions/${started}/stream`)),
        (events) => events.some((e) => e.type === 'executor.progress'),
      );
      expect(before.some((e) => e.type === 'session.finished')).toBe(false);
      child.stdin?.write('go\n');
      const events = await reader;
      await waitForLine(watch, 'finished succeeded');
      expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
      const messages = events.flatMap((e) => (e.type === 'executor.progress' ? [e.message] : []));
      expect(messages).toEqual([`before go (pid ${child.pid})`, `after go (pid ${child.pid})`]);
      expect(events[events.length - 1]).toMatchObject({ type: 'session.finished', state: 'succeeded' });
    } finally {
      child.kill();
      await watch.exited;
    }
  });
});
