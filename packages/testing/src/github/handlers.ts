import { commentJson, issueJson, labelJson, newCommentId, pullJson, type Urls } from './responses.js';
import { shapes } from './shapes.js';
import type { FakePermission, FakeRepo } from './state.js';

/** What a handler gets: the request as the OpenAPI operation names it. */
export interface HandlerContext {
  repo: FakeRepo | undefined;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  urls: Urls;
  /** The login the request's token belongs to. */
  viewer: string;
  /** For the App token exchange: tokens the fake hands out. */
  issueToken: () => string;
}

/** A handler's answer. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const notFound = (): HandlerResult => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
});

function validation(resource: string, field: string, code: string, message?: string): HandlerResult {
  const template = shapes.validationError();
  return {
    status: 422,
    body: {
      ...template,
      message: 'Validation Failed',
      errors: [{ resource, field, code, ...(message ? { message } : {}) }],
      documentation_url: 'https://docs.github.com/rest',
    },
  };
}

const RANK: Record<FakePermission, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

type Handler = (ctx: HandlerContext) => Promise<HandlerResult> | HandlerResult;

function issueOf(ctx: HandlerContext) {
  return ctx.repo?.issues.get(Number(ctx.params.issue_number));
}

/** The operations the fake implements, by OpenAPI `operationId`. */
export const HANDLERS: Record<string, Handler> = {
  'issues/get': (ctx) => {
    const issue = issueOf(ctx);
    return issue && ctx.repo ? { status: 200, body: issueJson(ctx.repo, issue, ctx.urls) } : notFound();
  },
  'issues/create': (ctx) => {
    if (!ctx.repo) return notFound();
    const body = ctx.body as { title: string | number; body?: string; labels?: (string | { name?: string })[] };
    const number = ctx.repo.takeNumber();
    const issue = {
      number,
      title: String(body.title),
      body: body.body ?? '',
      author: ctx.viewer,
      labels: (body.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
      state: 'open' as const,
      comments: [],
    };
    ctx.repo.issues.set(number, issue);
    return { status: 201, body: issueJson(ctx.repo, issue, ctx.urls) };
  },
  'issues/list-comments': (ctx) => {
    const issue = issueOf(ctx);
    if (!issue || !ctx.repo) return notFound();
    const perPage = Number(ctx.query.get('per_page') ?? 30);
    const page = Number(ctx.query.get('page') ?? 1);
    const slice = issue.comments.slice((page - 1) * perPage, page * perPage);
    const repo = ctx.repo;
    return { status: 200, body: slice.map((c) => commentJson(repo, issue, c, ctx.urls)) };
  },
  'issues/create-comment': (ctx) => {
    const issue = issueOf(ctx);
    if (!issue || !ctx.repo) return notFound();
    const comment = {
      id: newCommentId(),
      author: ctx.viewer,
      body: (ctx.body as { body: string }).body,
      createdAt: new Date().toISOString(),
    };
    issue.comments.push(comment);
    return { status: 201, body: commentJson(ctx.repo, issue, comment, ctx.urls) };
  },
  'issues/add-labels': (ctx) => {
    const issue = issueOf(ctx);
    if (!issue || !ctx.repo) return notFound();
    const raw = ctx.body as { labels?: unknown[] } | unknown[];
    const list = Array.isArray(raw) ? raw : (raw.labels ?? []);
    for (const l of list) {
      const name = typeof l === 'string' ? l : (l as { name?: string }).name;
      if (name && !issue.labels.includes(name)) issue.labels.push(name);
    }
    const repo = ctx.repo;
    return { status: 200, body: issue.labels.map((l) => labelJson(repo, l, ctx.urls)) };
  },
  'issues/remove-label': (ctx) => {
    const issue = issueOf(ctx);
    if (!issue || !ctx.repo) return notFound();
    const at = issue.labels.indexOf(ctx.params.name ?? '');
    if (at < 0)
      return {
        status: 404,
        body: { message: 'Label does not exist', documentation_url: 'https://docs.github.com/rest', status: '404' },
      };
    issue.labels.splice(at, 1);
    const repo = ctx.repo;
    return { status: 200, body: issue.labels.map((l) => labelJson(repo, l, ctx.urls)) };
  },
  'repos/get-collaborator-permission-level': (ctx) => {
    if (!ctx.repo) return notFound();
    const user = ctx.params.username ?? '';
    const permission = ctx.repo.permissions.get(user.toLowerCase()) ?? 'none';
    if (permission === 'none') {
      return {
        status: 404,
        body: { message: `${user} is not a user`, documentation_url: 'https://docs.github.com/rest', status: '404' },
      };
    }
    const legacy = RANK[permission] >= RANK.admin ? 'admin' : RANK[permission] >= RANK.write ? 'write' : 'read';
    return {
      status: 200,
      body: (() => {
        const template = shapes.permission();
        const shown = { ...(template.user as Record<string, unknown>), login: user, role_name: permission };
        return { ...template, permission: legacy, role_name: permission, user: shown };
      })(),
    };
  },
  'git/create-ref': async (ctx) => {
    if (!ctx.repo) return notFound();
    const { ref, sha } = ctx.body as { ref: string; sha: string };
    if (!ref.startsWith('refs/') || ref.split('/').length < 3)
      return validation('Reference', 'ref', 'invalid', `${ref} is not a valid ref name.`);
    if (!(await ctx.repo.hasCommit(sha))) return validation('Reference', 'sha', 'invalid', 'Object does not exist');
    if (!(await ctx.repo.createRef(ref, sha)))
      return validation('Reference', 'ref', 'already_exists', 'Reference already exists');
    return {
      status: 201,
      body: {
        ...shapes.gitRef(),
        ref,
        url: `${ctx.urls.api}/repos/${ctx.repo.fullName}/git/${ref}`,
        object: { type: 'commit', sha, url: `${ctx.urls.api}/repos/${ctx.repo.fullName}/git/commits/${sha}` },
      },
    };
  },
  'pulls/list': (ctx) => {
    if (!ctx.repo) return notFound();
    const state = ctx.query.get('state') ?? 'open';
    const head = ctx.query.get('head');
    const [owner] = ctx.repo.fullName.split('/');
    const repo = ctx.repo;
    const list = [...repo.pulls.values()].filter(
      (p) => (state === 'all' || p.state === state) && (!head || head === `${owner}:${p.head}`),
    );
    return { status: 200, body: list.map((p) => pullJson(repo, p, ctx.urls)) };
  },
  'pulls/create': async (ctx) => {
    if (!ctx.repo) return notFound();
    const body = ctx.body as { title?: string; body?: string; head: string; base: string };
    if (body.title === undefined) return validation('PullRequest', 'title', 'missing_field');
    const headSha = await ctx.repo.branchSha(body.head);
    if (!headSha) return validation('PullRequest', 'head', 'invalid');
    if (!(await ctx.repo.branchSha(body.base))) return validation('PullRequest', 'base', 'invalid');
    const open = [...ctx.repo.pulls.values()].find((p) => p.head === body.head && p.state === 'open');
    const [owner] = ctx.repo.fullName.split('/');
    if (open)
      return validation('PullRequest', 'head', 'custom', `A pull request already exists for ${owner}:${body.head}.`);
    const number = ctx.repo.takeNumber();
    const pull = {
      number,
      title: body.title,
      body: body.body ?? '',
      head: body.head,
      base: body.base,
      headSha,
      state: 'open' as const,
      merged: false,
    };
    ctx.repo.pulls.set(number, pull);
    ctx.repo.issues.set(number, {
      number,
      title: pull.title,
      body: pull.body,
      author: ctx.viewer,
      labels: [],
      state: 'open',
      comments: [],
    });
    return { status: 201, body: pullJson(ctx.repo, pull, ctx.urls) };
  },
  'apps/create-installation-access-token': (ctx) => ({
    status: 201,
    body: {
      ...shapes.installationToken(),
      token: ctx.issueToken(),
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    },
  }),
};
