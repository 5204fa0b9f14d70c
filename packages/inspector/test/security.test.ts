import { MemoryStore, type Session } from '@sessionhub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createInspector, type InspectorHub, type RunningInspector, startInspector } from '../src/index.js';

const TOKEN = 'a-long-enough-test-token-0123456789';

function session(id: string, state: Session['state']): Session {
  const at = '2026-03-01T10:00:00.000Z';
  return {
    id,
    state,
    input: { kind: 'request', request: 'greet' },
    createdAt: at,
    updatedAt: at,
    tags: [],
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
    fixAttempts: 0,
    ...(state === 'succeeded' ? { instruction: 'Session 1.1: Greeting\nOBJECTIVES:\n1. Greet\n' } : {}),
  };
}

/** A hub that records the actions it is asked for (the engine's own behaviour is tested in core). */
function recordingHub(): InspectorHub & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    approve: async (id, o) => void calls.push(`approve ${id} ${JSON.stringify(o ?? {})}`),
    reject: async (id, reason) => void calls.push(`reject ${id} ${reason ?? ''}`),
    cancel: async (id) => void calls.push(`cancel ${id}`),
    resume: async (id) => void calls.push(`resume ${id}`),
  };
}

const post = (url: string, headers: Record<string, string> = {}, body = '{}') =>
  new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('inspector guard', () => {
  it('refuses an action without the action header, from another site or origin', async () => {
    const store = new MemoryStore();
    await store.createSession(session('s1', 'awaiting_approval'));
    const hub = recordingHub();
    const inspector = createInspector({ store, hub });
    const url = 'http://127.0.0.1:4317/api/sessions/s1/approve';
    const cases: Array<[string, Record<string, string>]> = [
      ['no header', {}],
      ['cross-site', { 'x-sessionhub-action': '1', 'sec-fetch-site': 'cross-site' }],
      ['same-site other port', { 'x-sessionhub-action': '1', 'sec-fetch-site': 'same-site' }],
      ['other origin', { 'x-sessionhub-action': '1', origin: 'http://evil.example' }],
      ['opaque origin', { 'x-sessionhub-action': '1', origin: 'null' }],
    ];
    for (const [name, headers] of cases) {
      const res = await inspector.fetch(post(url, headers));
      expect(res.status, name).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code, name).toBe('inspector.forbidden');
    }
    expect(hub.calls).toEqual([]);
    const ok = await inspector.fetch(
      post(url, { 'x-sessionhub-action': '1', origin: 'http://127.0.0.1:4317', 'sec-fetch-site': 'same-origin' }),
    );
    expect(ok.status).toBe(200);
    expect(hub.calls).toEqual(['approve s1 {}']);
  });

  it('refuses a non-loopback Host without a token (DNS rebinding)', async () => {
    const inspector = createInspector({ store: new MemoryStore() });
    const res = await inspector.fetch(new Request('http://rebound.example:4317/api/sessions'));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('inspector.forbidden');
  });

  it('needs the token on every API call when it has one', async () => {
    const inspector = createInspector({ store: new MemoryStore(), token: TOKEN });
    for (const auth of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, TOKEN]) {
      const res = await inspector.fetch(
        new Request('http://10.0.0.5:4317/api/sessions', auth ? { headers: { authorization: auth } } : {}),
      );
      expect(res.status, String(auth)).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('inspector.unauthorized');
    }
    const ok = await inspector.fetch(
      new Request('http://10.0.0.5:4317/api/sessions', { headers: { authorization: `Bearer ${TOKEN}` } }),
    );
    expect(ok.status).toBe(200);
  });

  it('answers actions without a hub with inspector.read_only, and writes nothing', async () => {
    const store = new MemoryStore();
    await store.createSession(session('s1', 'succeeded'));
    const inspector = createInspector({ store });
    for (const action of ['approve', 'reject', 'cancel', 'resume', 'template']) {
      const res = await inspector.fetch(
        post(`http://127.0.0.1/api/sessions/s1/${action}`, { 'x-sessionhub-action': '1' }, '{"name":"t"}'),
      );
      expect(res.status, action).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code, action).toBe('inspector.read_only');
    }
    expect(await store.listTemplates()).toEqual([]);
  });

  it('saves a succeeded session as a template, refuses others and bad bodies', async () => {
    const store = new MemoryStore();
    await store.createSession(session('done', 'succeeded'));
    await store.createSession(session('waiting', 'awaiting_approval'));
    const inspector = createInspector({ store, hub: recordingHub() });
    const h = { 'x-sessionhub-action': '1' };
    const bad = await inspector.fetch(post('http://127.0.0.1/api/sessions/done/template', h, '{"name":""}'));
    expect(bad.status).toBe(400);
    const notJson = await inspector.fetch(post('http://127.0.0.1/api/sessions/done/template', h, '{name'));
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('inspector.bad_request');
    const waiting = await inspector.fetch(post('http://127.0.0.1/api/sessions/waiting/template', h, '{"name":"w"}'));
    expect(waiting.status).toBe(409);
    expect(((await waiting.json()) as { error: { code: string } }).error.code).toBe('inspector.invalid_state');
    expect(await store.listTemplates()).toEqual([]);
    const made = await inspector.fetch(post('http://127.0.0.1/api/sessions/done/template', h, '{"name":"greeting"}'));
    expect(made.status).toBe(201);
    expect((await store.listTemplates()).map((t) => [t.name, t.text])).toEqual([
      ['greeting', 'Session 1.1: Greeting\nOBJECTIVES:\n1. Greet\n'],
    ]);
  });
});

describe('unexpected errors', () => {
  it('answer inspector.internal without details and reach onError', async () => {
    const store = new MemoryStore();
    store.listSessions = async () => {
      throw new Error('disk on fire at /secret/path');
    };
    const heard: unknown[] = [];
    const inspector = createInspector({ store, onError: (e) => heard.push(e) });
    const res = await inspector.fetch(new Request('http://127.0.0.1/api/sessions'));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'inspector.internal', message: 'internal error' } });
    expect(heard).toHaveLength(1);
    expect((heard[0] as Error).message).toBe('disk on fire at /secret/path');
  });
});

describe('the page', () => {
  it('says how to build it when it was not built', async () => {
    const inspector = createInspector({ store: new MemoryStore(), assetsDir: '/no/such/dir' });
    const res = await inspector.fetch(new Request('http://127.0.0.1/'));
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('inspector.assets_missing');
    expect(body.error.message).toContain('npm run build -w @sessionhub/inspector');
  });
});

describe('startInspector', () => {
  let running: RunningInspector | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('binds 127.0.0.1 with a token of its own that actions and reads need', async () => {
    running = await startInspector({ store: new MemoryStore(), port: 0 });
    const url = new URL(running.url);
    expect(url.hostname).toBe('127.0.0.1');
    const token = /token=(.+)$/.exec(url.hash)?.[1];
    expect(token).toBeDefined();
    const page = await fetch(`${url.origin}/api/sessions`);
    expect(page.status).toBe(401);
    const ok = await fetch(`${url.origin}/api/sessions`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
  });

  it('refuses another address without a token', async () => {
    await expect(startInspector({ store: new MemoryStore(), host: '0.0.0.0', port: 0 })).rejects.toMatchObject({
      code: 'inspector.token_required',
    });
  });

  it('stops when its signal aborts', async () => {
    const ctl = new AbortController();
    running = await startInspector({ store: new MemoryStore(), port: 0, signal: ctl.signal });
    ctl.abort();
    await running.closed;
    await expect(fetch(new URL(running.url).origin)).rejects.toThrow();
  });
});
