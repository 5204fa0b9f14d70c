import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AnthropicExecutor, AnthropicPlanner } from '@sessionhub/anthropic';
import {
  CommandVerifier,
  createRedactor,
  createSessionHub,
  isTerminal,
  type SessionHub,
  type Store,
  secretsFromEnv,
} from '@sessionhub/core';
import { createGitWorkspaces } from '@sessionhub/git';
import {
  createIssueLoop,
  ErrorReportReceiver,
  GitHubHost,
  type GitHubHostOptions,
  type QueuedJob,
  SqliteDeliveryLog,
  SqlitePullRequestLinks,
  WebhookReceiver,
  withFailureLessons,
  withOutcomeRanking,
} from '@sessionhub/github';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { openSqliteStore } from '@sessionhub/store-sqlite';

/** Options of {@link startSelfDevelop}. */
export interface SelfDevelopOptions {
  /** The local clone sessions work on (a git worktree per session) and push from. */
  repository: string;
  /** How to reach GitHub (token or App, API base URL, git URL). */
  github: GitHubHostOptions;
  /** The webhook secret set on the repository's webhook. */
  webhookSecret: string;
  /** The Anthropic API key, and a base URL for a proxy or the fake. */
  anthropic: { apiKey: string; baseURL?: string };
  /** Where the SQLite store (sessions, events, deliveries) lives. */
  dataDir: string;
  /** The repository (`owner/name`) production errors are filed in. */
  repo: string;
  /** Secrets of the error report endpoints: `POST /errors` (generic) and `POST /errors/sentry`. */
  errorReports?: { secret?: string; sentrySecret?: string };
  /** The label that starts a session. Default `sessionhub-auto`. */
  triggerLabel?: string;
  /** The verifier's gate. Default `node check.mjs`. */
  checkCommand?: string;
  /** The branch pull requests target. Default `main`. */
  baseBranch?: string;
  /** Port to listen on, on 127.0.0.1. Default 0 (a free one). */
  port?: number;
  onProgress?: (message: string, job: QueuedJob) => void;
}

/** A running self-development server. */
export interface SelfDevelop {
  /** The server's base URL: GitHub posts to `webhooks/github`, applications to `errors` and `errors/sentry`. */
  url: string;
  hub: SessionHub;
  store: Store;
  receiver: WebhookReceiver;
  deliveries: SqliteDeliveryLog;
  /** Which pull request belongs to which session (outcomes themselves are events on the sessions' logs). */
  pullRequests: SqlitePullRequestLinks;
  close(): Promise<void>;
}

/**
 * The self-development server: GitHub webhooks in (signed, recorded once), a session per triggering issue on a
 * git worktree of `repository` in a bubblewrap sandbox, the result pushed and proposed as a pull request.
 */
export async function startSelfDevelop(options: SelfDevelopOptions): Promise<SelfDevelop> {
  await mkdir(options.dataDir, { recursive: true });
  const base = options.baseBranch ?? 'main';
  const store = await openSqliteStore({ path: join(options.dataDir, 'sessionhub.db') });
  // The delivery log shares the store's file; the store has created its schema first.
  const deliveries = SqliteDeliveryLog.open({ path: join(options.dataDir, 'sessionhub.db') });
  const pullRequests = SqlitePullRequestLinks.open({ path: join(options.dataDir, 'sessionhub.db') });
  const workspaces = await createGitWorkspaces({ repository: options.repository, baseRef: base });
  // What a crashed process left: worktrees of sessions that are not live in the store, empty session branches.
  await workspaces.prune({
    signal: AbortSignal.timeout(60_000),
    isActive: async (id) => {
      const session = await store.getSession(id);
      return session !== undefined && !isTerminal(session.state);
    },
  });
  const sandbox = new ProcessSandboxProvider({ isolation: 'bubblewrap' });
  const model = {
    apiKey: options.anthropic.apiKey,
    maxRetries: 1,
    ...(options.anthropic.baseURL ? { baseURL: options.anthropic.baseURL } : {}),
  };
  const hub = createSessionHub({
    // The planner is told what went wrong in similar past sessions (failing gates, reverted pull requests).
    planner: withFailureLessons(new AnthropicPlanner(model), { store }),
    executor: new AnthropicExecutor(model),
    verifier: new CommandVerifier({
      gates: [{ name: 'check', command: options.checkCommand ?? 'node check.mjs', timeoutMs: 60_000 }],
    }),
    // The library the planner sees ranks past sessions by what became of their pull requests (their outcomes).
    store: withOutcomeRanking(store),
    sandbox,
    // The engine opens a worktree per session, commits the verified work and the Foundation update, then closes it.
    workspace: workspaces,
    policy: { maxFixAttempts: 1, secrets: [options.anthropic.apiKey] },
  });
  const host = new GitHubHost({ ...options.github, webhookSecret: options.webhookSecret });
  const receiver = new WebhookReceiver({
    secret: options.webhookSecret,
    deliveries,
    ...(options.triggerLabel ? { label: options.triggerLabel } : {}),
    runJob: createIssueLoop({
      host,
      hub,
      deliveries,
      // Merges, closes, reverts and ratings become outcome.recorded events on the sessions' logs.
      outcomes: {
        store,
        pullRequests,
        redact: createRedactor([options.anthropic.apiKey, ...secretsFromEnv(process.env)]),
      },
      repository: options.repository,
      baseBranch: base,
      git: workspaces,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    }),
  });
  const github = receiver.nodeHandler();
  const reports = options.errorReports
    ? new ErrorReportReceiver({ receiver, repo: options.repo, ...options.errorReports })
    : undefined;
  const generic = reports?.nodeHandler('generic');
  const sentry = reports?.nodeHandler('sentry');
  receiver.start();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/webhooks/github') return github(req, res);
    if (path === '/errors' && generic) return generic(req, res);
    if (path === '/errors/sentry' && sentry) return sentry(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(options.port ?? 0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    hub,
    store,
    receiver,
    deliveries,
    pullRequests,
    async close() {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
      await receiver.close();
      await workspaces.dispose({ signal: AbortSignal.timeout(30_000) });
      await sandbox.close();
      deliveries.close();
      pullRequests.close();
      await store.close();
    },
  };
}
