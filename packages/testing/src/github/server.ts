import { createPublicKey, createVerify, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeScriptError } from '../errors.js';
import { readBody } from '../http.js';
import { githubDescriptionFiles } from './descriptions.js';
import { faultAnswer, type GitHubFault } from './faults.js';
import { HANDLERS, type HandlerResult } from './handlers.js';
import { type Operation, openApiIndex } from './openapi.js';
import { checkParameter, checkSchema } from './schema-check.js';
import { createFakeRepo, type FakeRepo, type FakeRepoSeed } from './state.js';

/** Options of {@link startFakeGitHub}. */
export interface FakeGitHubOptions {
  /** Repositories, each with a real bare git repository on disk. */
  repos?: FakeRepoSeed[];
  /** The token requests must carry (`Authorization: token …` or `Bearer …`). Default: any non-empty token. */
  token?: string;
  /** The login a token acts as (author of comments, issues and pull requests). Default `sessionhub-bot`. */
  viewer?: string;
  /** A GitHub App: installation tokens are handed out for a JWT signed with its key (RS256, `iss` = `appId`). */
  app?: { appId: number | string; publicKey: string };
  /** Check every answer of the fake against the operation's documented response schema. Default true. */
  checkResponses?: boolean;
}

/** One request the fake received. */
export interface FakeGitHubRequest {
  method: string;
  path: string;
  /** The OpenAPI operation, when the route exists. */
  operationId?: string;
  body: unknown;
  status: number;
  fault?: GitHubFault['kind'];
}

/** A request that broke GitHub's published description (or that the fake does not implement). */
export interface FakeGitHubViolation {
  method: string;
  path: string;
  problems: string[];
}

/** A running fake GitHub REST API. */
export interface FakeGitHub {
  /** The API base URL (Octokit's `baseUrl`). */
  url: string;
  /** The repository seeded as `name`. */
  repo(name: string): FakeRepo;
  /** The `file://` URL git pushes to for `name` (a real bare repository). */
  gitUrl(name: string): string;
  requests: FakeGitHubRequest[];
  violations: FakeGitHubViolation[];
  /** Serves `fault` to the next `times` requests it matches. */
  enqueueFault(fault: GitHubFault, times?: number): void;
  /** Throws `FakeScriptError` (`fake.github_violation`) when a request broke the description, or a fault is left. */
  assertClean(): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, result: HandlerResult): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = {
    'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-resource': 'core',
    ...result.headers,
  };
  if (result.body === undefined) {
    res.writeHead(result.status, headers);
    res.end();
    return;
  }
  res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(result.body));
}

function verifyJwt(token: string, app: NonNullable<FakeGitHubOptions['app']>): boolean {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return false;
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(createPublicKey(app.publicKey), Buffer.from(signature, 'base64url'))) return false;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; exp?: number };
  return String(claims.iss) === String(app.appId) && typeof claims.exp === 'number' && claims.exp * 1000 > Date.now();
}

/** Checks a request against its operation; returns the problems (empty when it conforms). */
function checkRequest(
  op: Operation,
  params: Record<string, string>,
  query: URLSearchParams,
  body: unknown,
  hasBody: boolean,
): string[] {
  const index = openApiIndex();
  const problems: string[] = [];
  for (const p of op.parameters) {
    if (p.in === 'path') problems.push(...checkParameter(index, params[p.name] ?? '', p.schema, `path.${p.name}`));
    if (p.in === 'query') {
      const value = query.get(p.name);
      if (value === null) {
        if (p.required) problems.push(`query.${p.name}: required`);
      } else problems.push(...checkParameter(index, value, p.schema, `query.${p.name}`));
    }
  }
  const known = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of query.keys())
    if (!known.has(name)) problems.push(`query.${name}: not a parameter of ${op.operationId}`);
  if (op.body) {
    if (!hasBody) {
      if (op.body.required) problems.push('body: required');
    } else problems.push(...checkSchema(index, body, op.body.schema, 'body'));
  } else if (hasBody && body !== null && !(typeof body === 'object' && Object.keys(body as object).length === 0)) {
    problems.push(`body: ${op.operationId} takes no body`);
  }
  return problems;
}

/**
 * Starts a loopback fake of GitHub's REST API for the real Octokit client. Every request is checked against
 * GitHub's published OpenAPI description (`@octokit/openapi`): an unknown route, a missing required field or
 * parameter, a wrong type, an unknown query parameter → the request is refused (404 or 422, GitHub's shapes)
 * and listed in `violations`, and `assertClean()` throws. Answers are recorded response shapes from
 * `@octokit/fixtures` where a scenario recorded them, else the description's documented examples, filled with
 * the fake's state. Each repository's git remote is a real bare repository on disk (`gitUrl`).
 *
 * Both descriptions are optional peer dependencies of `@sessionhub/testing`, read only here: install
 * `@octokit/openapi` and `@octokit/fixtures` beside it to use this fake.
 *
 * @throws {FakeGitHubDependencyError} `fake.github_dependency_missing` when either is not installed.
 * @example
 * ```ts
 * const gh = await startFakeGitHub({ token: 't', repos: [{ name: 'octo/app', issues: [{ title: 'Add CSV export' }] }] });
 * const octokit = new Octokit({ auth: 't', baseUrl: gh.url });
 * await octokit.rest.issues.get({ owner: 'octo', repo: 'app', issue_number: 1 });
 * gh.assertClean();
 * await gh.close();
 * ```
 */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  // Both descriptions are optional peer dependencies: a clear error before anything starts when one is missing.
  githubDescriptionFiles();
  const index = openApiIndex();
  const root = await mkdtemp(join(tmpdir(), 'sessionhub-fake-github-'));
  const repos = new Map<string, FakeRepo>();
  for (const seed of options.repos ?? []) repos.set(seed.name.toLowerCase(), await createFakeRepo(root, seed));
  const requests: FakeGitHubRequest[] = [];
  const violations: FakeGitHubViolation[] = [];
  const faults: { fault: GitHubFault; times: number }[] = [];
  const issuedTokens = new Set<string>();
  const viewer = options.viewer ?? 'sessionhub-bot';
  let baseUrl = '';

  const authorized = (req: IncomingMessage, op: Operation): boolean => {
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    if (!token || !/^(token|bearer)$/i.test(scheme ?? '')) return false;
    if (op.operationId.startsWith('apps/')) return options.app ? verifyJwt(token, options.app) : false;
    if (issuedTokens.has(token)) return true;
    if (options.app && !options.token) return false;
    return options.token === undefined || token === options.token;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const text = await readBody(req);
    const record = (status: number, extra: Partial<FakeGitHubRequest> = {}) =>
      requests.push({ method, path: url.pathname + url.search, body: parsed, status, ...extra });
    let parsed: unknown;
    const found = index.find(method, url.pathname);
    if (!found) {
      violations.push({ method, path: url.pathname, problems: ['unknown route: GitHub has no such operation'] });
      record(404);
      send(res, {
        status: 404,
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
      });
      return;
    }
    const { operation, params } = found;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        violations.push({ method, path: url.pathname, problems: ['body: not JSON'] });
        record(400, { operationId: operation.operationId });
        send(res, {
          status: 400,
          body: { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest', status: '400' },
        });
        return;
      }
    }
    if (!authorized(req, operation)) {
      record(401, { operationId: operation.operationId });
      send(res, {
        status: 401,
        body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
      });
      return;
    }
    const problems = checkRequest(operation, params, url.searchParams, parsed, text.length > 0);
    if (problems.length > 0) {
      violations.push({ method, path: url.pathname, problems });
      record(422, { operationId: operation.operationId });
      send(res, {
        status: 422,
        body: {
          message: `Invalid request.\n\n${problems.join('\n')}`,
          documentation_url: 'https://docs.github.com/rest',
          status: '422',
        },
      });
      return;
    }
    const at = faults.findIndex((f) => !f.fault.operationId || f.fault.operationId === operation.operationId);
    if (at >= 0) {
      const entry = faults[at] as { fault: GitHubFault; times: number };
      entry.times -= 1;
      if (entry.times <= 0) faults.splice(at, 1);
      const answer = faultAnswer(entry.fault, Date.now());
      record(answer.status, { operationId: operation.operationId, fault: entry.fault.kind });
      send(res, answer);
      return;
    }
    const handler = HANDLERS[operation.operationId];
    if (!handler) {
      violations.push({
        method,
        path: url.pathname,
        problems: [`${operation.operationId}: not implemented by the fake`],
      });
      record(501, { operationId: operation.operationId });
      send(res, { status: 501, body: { message: `${operation.operationId} is not implemented by the fake` } });
      return;
    }
    const repo = params.owner && params.repo ? repos.get(`${params.owner}/${params.repo}`.toLowerCase()) : undefined;
    const result = await handler({
      repo,
      params,
      query: url.searchParams,
      body: parsed,
      urls: { api: baseUrl, web: 'https://github.com' },
      viewer,
      issueToken: () => {
        const token = `ghs_${randomBytes(18).toString('base64url')}`;
        issuedTokens.add(token);
        return token;
      },
    });
    if (options.checkResponses !== false && result.status < 300) {
      const schema = operation.responses[String(result.status)]?.schema;
      const wrong = schema ? checkSchema(index, result.body, schema, 'response') : [];
      if (wrong.length > 0)
        violations.push({ method, path: url.pathname, problems: wrong.map((w) => `the fake's answer: ${w}`) });
    }
    record(result.status, { operationId: operation.operationId });
    send(res, result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, { status: 500, body: { message: `fake GitHub failed: ${(error as Error).message}` } });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const repoOf = (name: string): FakeRepo => {
    const repo = repos.get(name.toLowerCase());
    if (!repo) throw new FakeScriptError('fake.invalid_option', `the fake GitHub has no repository ${name}`);
    return repo;
  };
  return {
    url: baseUrl,
    repo: repoOf,
    gitUrl: (name) => repoOf(name).gitUrl,
    requests,
    violations,
    enqueueFault(fault, times = 1) {
      faults.push({ fault, times });
    },
    assertClean() {
      const problems = violations.map((v) => `${v.method} ${v.path}: ${v.problems.join('; ')}`);
      if (faults.length > 0) problems.push(`${faults.length} fault(s) never served`);
      if (problems.length > 0)
        throw new FakeScriptError('fake.github_violation', `fake GitHub:\n${problems.join('\n')}`);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
