import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { ModelProxy, type ModelProxyOptions } from '../src/index.js';
import { held } from './support/sandbox.js';

const KEY = 'sk-ant-proxy-canary-0c4f';

interface Answer {
  status: number;
  body: string;
}

/** One raw HTTP request to the proxy over its unix socket. */
function send(
  socketPath: string,
  method: string,
  path: string,
  body = '',
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, method, path, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const MESSAGE = JSON.stringify({
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  stream: true,
  messages: [{ role: 'user', content: 'hello' }],
});

async function proxyFor(options: Partial<ModelProxyOptions> = {}) {
  const fake = held(await startFakeAnthropic({ apiKey: KEY, script: [{ reply: reply.text('hi there') }] }));
  const dir = await mkdtemp(join(tmpdir(), 'sessionhub-proxy-'));
  held({ close: () => rm(dir, { recursive: true, force: true }) });
  const proxy = await ModelProxy.start({
    socketPath: join(dir, 'model.sock'),
    upstream: fake.url,
    apiKey: KEY,
    ...options,
  });
  held({ close: () => proxy.close() });
  return { fake, proxy, socket: join(dir, 'model.sock') };
}

describe('ModelProxy: Messages API only, credentials added on the host, capped and counted', () => {
  it('forwards a streaming Messages API request with its own key (the caller’s is dropped) and records usage', async () => {
    const { fake, proxy, socket } = await proxyFor();
    const answer = await send(socket, 'POST', '/v1/messages?beta=true', MESSAGE, {
      'x-api-key': 'placeholder-from-the-sandbox',
      authorization: 'Bearer placeholder',
      'anthropic-version': '2023-06-01',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('hi there');
    fake.assertDone();
    // The fake accepts only KEY: the request got through with the proxy's key, not the placeholder.
    expect(fake.requests[0]?.status).toBe(200);
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
    expect(proxy.usage).toMatchObject({ requests: 1, refused: 0 });
    expect(proxy.usage.inputTokens).toBe(fake.requests[0]?.usage?.input_tokens);
    expect(proxy.usage.outputTokens).toBe(fake.requests[0]?.usage?.output_tokens);
    expect(proxy.usage.outputTokens).toBeGreaterThan(0);
  });

  it('refuses every other method, path, query and target with 403 in the Messages API error shape', async () => {
    const { fake, proxy, socket } = await proxyFor();
    const refused = [
      await send(socket, 'GET', '/v1/models'),
      await send(socket, 'POST', '/v1/complete', '{}'),
      await send(socket, 'POST', '/v1/messages/../../admin', '{}'),
      await send(socket, 'POST', '/v1/messages?target=http://127.0.0.1:1/', MESSAGE),
      await send(socket, 'POST', 'http://127.0.0.1:9/v1/messages', MESSAGE),
      await send(socket, 'GET', '/v1/messages'),
    ];
    expect(refused.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect(JSON.parse(refused[0]?.body ?? '{}')).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(fake.requests).toHaveLength(0);
    expect(proxy.usage).toMatchObject({ requests: 0, refused: 6 });
    expect(proxy.refusals.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
  });

  it('caps the request size (413) and the request rate (429 with retry-after)', async () => {
    // Every accepted request counts towards the rate, the one refused for its size too: 3 = 413, 200, 200.
    const { fake, proxy, socket } = await proxyFor({ maxRequestBytes: 1024, maxRequestsPerMinute: 3 });
    const version = { 'anthropic-version': '2023-06-01' };
    const big = await send(socket, 'POST', '/v1/messages', 'x'.repeat(4096));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ error: { type: 'request_too_large' } });
    fake.setScript([{ reply: reply.text('one') }, { reply: reply.text('two') }]);
    expect((await send(socket, 'POST', '/v1/messages', MESSAGE, version)).status).toBe(200);
    expect((await send(socket, 'POST', '/v1/messages', MESSAGE, version)).status).toBe(200);
    const third = await send(socket, 'POST', '/v1/messages', MESSAGE, version);
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body)).toMatchObject({ error: { type: 'rate_limit_error' } });
    expect(fake.requests).toHaveLength(2);
    expect(proxy.usage).toMatchObject({ requests: 2, refused: 2 });
  });
});
