import type {
  GitHost,
  GitHostCallOptions,
  IssueComment,
  IssueRef,
  PullRequestRef,
  PushRequest,
  RepositoryPermission,
} from '@sessionhub/core';
import { GitHostError } from '../errors.js';
import { verifySignature } from '../webhooks/signature.js';
import { pushWithGit } from './git-push.js';
import { createOctokit, type GitHubAuth, type GitHubLimitsOptions, type SessionHubOctokitInstance } from './octokit.js';
import { translateError } from './translate-error.js';

/** Options of {@link GitHubHost}. */
export interface GitHubHostOptions {
  /** A token, or a GitHub App installation (`@octokit/auth-app`). */
  auth: GitHubAuth;
  /** REST API base URL. Default `https://api.github.com` (GitHub Enterprise: `https://host/api/v3`). */
  baseUrl?: string;
  /** The git URL of a repository, for pushes. Default `https://github.com/<owner>/<name>.git`. */
  gitUrl?: (repo: string) => string;
  /** The webhook secret, for {@link GitHubHost.verifyWebhook}. */
  webhookSecret?: string;
  /** Retries, rate-limit retries and write spacing. */
  limits?: GitHubLimitsOptions;
  userAgent?: string;
}

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const PERMISSIONS: readonly RepositoryPermission[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'];

function split(repo: string): { owner: string; repo: string } {
  if (!REPO.test(repo) || repo.includes('..')) {
    throw new GitHostError('git_host.invalid_input', `not an owner/name repository: ${JSON.stringify(repo)}`);
  }
  const [owner, name] = repo.split('/') as [string, string];
  return { owner, repo: name };
}

function positive(number: number, what: string): number {
  if (!Number.isSafeInteger(number) || number <= 0) {
    throw new GitHostError('git_host.invalid_input', `${what} must be a positive integer, got ${number}`);
  }
  return number;
}

function labelName(label: string | { name?: string | undefined }): string {
  return typeof label === 'string' ? label : (label.name ?? '');
}

function toIssueRef(
  repo: string,
  data: {
    number: number;
    title: string;
    body?: string | null;
    html_url: string;
    labels: (string | { name?: string })[];
  },
): IssueRef {
  return {
    host: 'github',
    repo,
    number: data.number,
    title: data.title,
    body: data.body ?? '',
    url: data.html_url,
    labels: data.labels.map(labelName).filter(Boolean),
  };
}

function toPull(pr: {
  number: number;
  html_url: string;
  head: { ref: string };
  base: { ref: string };
  state: string;
  merged_at?: string | null;
  merged?: boolean;
}): PullRequestRef {
  return {
    number: pr.number,
    url: pr.html_url,
    head: pr.head.ref,
    base: pr.base.ref,
    state: pr.state === 'closed' ? 'closed' : 'open',
    merged: pr.merged ?? pr.merged_at != null,
  };
}

/**
 * The `GitHost` port on GitHub's REST API, through Octokit with its retry (5xx) and throttling (primary and
 * secondary rate limits, `retry-after`) plugins. Works with a token or a GitHub App installation. Failures are
 * {@link GitHostError}s with the port's codes; pushes use real git.
 *
 * @example
 * ```ts
 * const host = new GitHubHost({ auth: { token: process.env.GITHUB_TOKEN! }, webhookSecret });
 * const issue = await host.getIssue('octo/app', 12, { signal });
 * await host.comment('octo/app', 12, 'SessionHub started a session.', { signal });
 * ```
 */
export class GitHubHost implements GitHost {
  readonly specificationVersion = 1 as const;
  readonly name = 'github';
  /** The Octokit client (for calls the port does not cover). */
  readonly octokit: SessionHubOctokitInstance;
  private readonly gitUrl: (repo: string) => string;
  private readonly options: GitHubHostOptions;

  constructor(options: GitHubHostOptions) {
    this.options = options;
    if ('token' in options.auth && !options.auth.token) {
      throw new GitHostError('git_host.invalid_option', 'auth.token is empty');
    }
    this.octokit = createOctokit({
      auth: options.auth,
      baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
    this.gitUrl = options.gitUrl ?? ((repo) => `https://github.com/${repo}.git`);
  }

  private async call<T>(what: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw translateError(error, what);
    }
  }

  async getIssue(repo: string, number: number, opts: GitHostCallOptions = {}): Promise<IssueRef> {
    const where = split(repo);
    const issue_number = positive(number, 'issue number');
    const { data } = await this.call(`getIssue ${repo}#${number}`, () =>
      this.octokit.rest.issues.get({ ...where, issue_number, request: { signal: opts.signal } }),
    );
    return toIssueRef(repo, data);
  }

  async createIssue(
    repo: string,
    issue: { title: string; body: string; labels?: string[] },
    opts: GitHostCallOptions = {},
  ): Promise<IssueRef> {
    const where = split(repo);
    const { data } = await this.call(`createIssue ${repo}`, () =>
      this.octokit.rest.issues.create({
        ...where,
        title: issue.title,
        body: issue.body,
        ...(issue.labels && issue.labels.length > 0 ? { labels: issue.labels } : {}),
        request: { signal: opts.signal },
      }),
    );
    return toIssueRef(repo, data);
  }

  async listComments(repo: string, number: number, opts: GitHostCallOptions = {}): Promise<IssueComment[]> {
    const where = split(repo);
    const issue_number = positive(number, 'issue number');
    const comments = await this.call(`listComments ${repo}#${number}`, () =>
      this.octokit.paginate(this.octokit.rest.issues.listComments, {
        ...where,
        issue_number,
        per_page: 100,
        request: { signal: opts.signal },
      }),
    );
    return comments.map((c) => ({ id: c.id, author: c.user?.login ?? '', body: c.body ?? '', url: c.html_url }));
  }

  async comment(repo: string, number: number, body: string, opts: GitHostCallOptions = {}): Promise<IssueComment> {
    const where = split(repo);
    const issue_number = positive(number, 'issue number');
    const { data } = await this.call(`comment ${repo}#${number}`, () =>
      this.octokit.rest.issues.createComment({ ...where, issue_number, body, request: { signal: opts.signal } }),
    );
    return { id: data.id, author: data.user?.login ?? '', body: data.body ?? body, url: data.html_url };
  }

  async addLabels(repo: string, number: number, labels: string[], opts: GitHostCallOptions = {}): Promise<void> {
    const where = split(repo);
    const issue_number = positive(number, 'issue number');
    if (labels.length === 0) return;
    await this.call(`addLabels ${repo}#${number}`, () =>
      this.octokit.rest.issues.addLabels({ ...where, issue_number, labels, request: { signal: opts.signal } }),
    );
  }

  async removeLabel(repo: string, number: number, label: string, opts: GitHostCallOptions = {}): Promise<void> {
    const where = split(repo);
    const issue_number = positive(number, 'issue number');
    try {
      await this.octokit.rest.issues.removeLabel({
        ...where,
        issue_number,
        name: label,
        request: { signal: opts.signal },
      });
    } catch (error) {
      const translated = translateError(error, `removeLabel ${repo}#${number} ${label}`);
      if (GitHostError.isInstance(translated) && translated.code === 'git_host.not_found') return;
      throw translated;
    }
  }

  async getPermission(repo: string, user: string, opts: GitHostCallOptions = {}): Promise<RepositoryPermission> {
    const where = split(repo);
    if (!/^[A-Za-z0-9-]+(\[bot\])?$/.test(user)) {
      throw new GitHostError('git_host.invalid_input', `not a GitHub login: ${JSON.stringify(user)}`);
    }
    try {
      const { data } = await this.octokit.rest.repos.getCollaboratorPermissionLevel({
        ...where,
        username: user,
        request: { signal: opts.signal },
      });
      // `role_name` has the fine-grained role (maintain, triage); `permission` the legacy one (admin/write/read/none).
      const role = (data as { role_name?: string }).role_name;
      const found = PERMISSIONS.find((p) => p === role) ?? PERMISSIONS.find((p) => p === data.permission);
      return found ?? 'none';
    } catch (error) {
      const translated = translateError(error, `getPermission ${repo} ${user}`);
      // Not a collaborator: GitHub answers 404 for the user; that is no permission, not a missing repository.
      if (GitHostError.isInstance(translated) && translated.code === 'git_host.not_found') return 'none';
      throw translated;
    }
  }

  async createBranch(repo: string, branch: string, sha: string, opts: GitHostCallOptions = {}): Promise<void> {
    const where = split(repo);
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
      throw new GitHostError('git_host.invalid_input', `not a commit id: ${JSON.stringify(sha)}`);
    }
    await this.call(`createBranch ${repo} ${branch}`, () =>
      this.octokit.rest.git.createRef({ ...where, ref: `refs/heads/${branch}`, sha, request: { signal: opts.signal } }),
    );
  }

  async pushBranch(repo: string, push: PushRequest, opts: GitHostCallOptions = {}): Promise<{ sha: string }> {
    split(repo);
    return pushWithGit({
      repository: push.repository,
      branch: push.branch,
      remoteBranch: push.remoteBranch ?? push.branch,
      url: this.gitUrl(repo),
      force: push.force ?? false,
      token: await this.token(),
      signal: opts.signal,
    });
  }

  /** The token git pushes with: the configured one, or an installation token of the App. */
  private async token(): Promise<string | undefined> {
    if ('token' in this.options.auth) return this.options.auth.token;
    const auth = (await this.call('installation token', () => this.octokit.auth({ type: 'installation' }))) as {
      token?: string;
    };
    return auth.token;
  }

  async findPullRequest(
    repo: string,
    head: string,
    opts: GitHostCallOptions = {},
  ): Promise<PullRequestRef | undefined> {
    const where = split(repo);
    const { data } = await this.call(`findPullRequest ${repo} ${head}`, () =>
      this.octokit.rest.pulls.list({
        ...where,
        head: `${where.owner}:${head}`,
        state: 'open',
        per_page: 10,
        request: { signal: opts.signal },
      }),
    );
    const found = data.find((pr) => pr.head.ref === head);
    return found ? toPull(found) : undefined;
  }

  async createPullRequest(
    repo: string,
    pr: { title: string; body: string; head: string; base: string },
    opts: GitHostCallOptions = {},
  ): Promise<PullRequestRef> {
    const where = split(repo);
    const { data } = await this.call(`createPullRequest ${repo} ${pr.head}`, () =>
      this.octokit.rest.pulls.create({ ...where, ...pr, request: { signal: opts.signal } }),
    );
    return toPull(data);
  }

  async verifyWebhook(payload: string | Uint8Array, signature: string): Promise<boolean> {
    const secret = this.options.webhookSecret;
    if (!secret) throw new GitHostError('git_host.invalid_option', 'verifyWebhook needs the webhookSecret option');
    return verifySignature(secret, payload, signature);
  }
}
