import { afterEach, describe, expect, it } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from '../src/index.js';

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start() {
  fake = await startFakeGitHub({
    token: 't',
    repos: [{ name: 'octo/app', permissions: { writer: 'write' }, issues: [{ title: 'One', labels: ['bug'] }] }],
  });
  return fake;
}

async function call(gh: FakeGitHub, method: string, path: string, body?: unknown, token = 't') {
  const res = await fetch(gh.url + path, {
    method,
    headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
}

describe('the fake GitHub REST API checks requests against @octokit/openapi', () => {
  it('refuses an unknown route with 404 and records a violation', async () => {
    const gh = await start();
    expect((await call(gh, 'GET', '/repos/octo/app/issuez/1')).status).toBe(404);
    expect(gh.violations[0]?.problems).toEqual(['unknown route: GitHub has no such operation']);
    expect(() => gh.assertClean()).toThrow(/unknown route/);
  });

  it('refuses a missing required field, a wrong type and an unknown query parameter', async () => {
    const gh = await start();
    expect((await call(gh, 'POST', '/repos/octo/app/issues/1/comments', {})).status).toBe(422);
    expect((await call(gh, 'POST', '/repos/octo/app/issues/1/comments', { body: 42 })).status).toBe(422);
    expect((await call(gh, 'GET', '/repos/octo/app/issues/one')).status).toBe(422);
    expect((await call(gh, 'GET', '/repos/octo/app/pulls?stat=open')).status).toBe(422);
    expect((await call(gh, 'POST', '/repos/octo/app/pulls', { title: 'x', head: 'a' })).status).toBe(422);
    expect(gh.violations.map((v) => v.problems[0])).toEqual([
      'body.body: required',
      'body.body: expected string, got integer',
      'path.issue_number: expected integer, got "one"',
      'query.stat: not a parameter of pulls/list',
      'body.base: required',
    ]);
  });

  it('answers with recorded and documented shapes that satisfy the response schemas', async () => {
    const gh = await start();
    const issue = await call(gh, 'GET', '/repos/octo/app/issues/1');
    expect(issue.status).toBe(200);
    // Fields of the recorded @octokit/fixtures issue, filled with the fake's state.
    expect(issue.body).toMatchObject({
      number: 1,
      title: 'One',
      node_id: expect.any(String),
      labels: [expect.objectContaining({ name: 'bug' })],
    });
    expect((await call(gh, 'POST', '/repos/octo/app/issues/1/comments', { body: 'hi' })).body).toMatchObject({
      body: 'hi',
      user: expect.objectContaining({ login: 'sessionhub-bot' }),
      author_association: expect.any(String),
    });
    expect((await call(gh, 'GET', '/repos/octo/app/collaborators/writer/permission')).body).toMatchObject({
      permission: 'write',
      role_name: 'write',
    });
    gh.assertClean();
  });

  it('refuses bad credentials with 401, and serves faults in GitHub’s shapes', async () => {
    const gh = await start();
    expect((await call(gh, 'GET', '/repos/octo/app/issues/1', undefined, 'wrong')).status).toBe(401);
    gh.enqueueFault({ kind: 'secondary_rate_limit', retryAfterS: 7 });
    const limited = await fetch(`${gh.url}/repos/octo/app/issues/1`, { headers: { authorization: 'token t' } });
    expect(limited.status).toBe(403);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(((await limited.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    gh.enqueueFault({ kind: 'rate_limit', resetInS: 30 });
    const primary = await fetch(`${gh.url}/repos/octo/app/issues/1`, { headers: { authorization: 'token t' } });
    expect(primary.headers.get('x-ratelimit-remaining')).toBe('0');
    gh.enqueueFault({ kind: 'server_error', status: 503 }, 2);
    expect((await call(gh, 'GET', '/repos/octo/app/issues/1')).status).toBe(503);
    expect(() => gh.assertClean()).toThrow(/1 fault\(s\) never served/);
    expect((await call(gh, 'GET', '/repos/octo/app/issues/1')).status).toBe(503);
    expect((await call(gh, 'GET', '/repos/octo/app/issues/1')).status).toBe(200);
    gh.assertClean();
  });
});
