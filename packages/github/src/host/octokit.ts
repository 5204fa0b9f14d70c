import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck/light.js';
import { GitHostError } from '../errors.js';

/** How {@link GitHubHost} authenticates: a token (personal, fine-grained, Actions) or a GitHub App installation. */
export type GitHubAuth = { token: string } | { appId: number | string; privateKey: string; installationId: number };

/** Retry and rate-limit behaviour. Defaults follow GitHub's guidance. */
export interface GitHubLimitsOptions {
  /** Retries of a 5xx or network failure (plugin-retry). Default 3. */
  retries?: number;
  /** Retries of a request refused by a primary or secondary rate limit (plugin-throttling). Default 2. */
  rateLimitRetries?: number;
  /**
   * Milliseconds per second of `retry-after` (plugin-throttling), and the base of plugin-retry's `(n+1)²` back-off.
   * Default 1000; a test against a fake may shrink it.
   */
  retryAfterBaseMs?: number;
  /** Minimum spacing between writes (GitHub asks for one second). Default 1000. */
  writeSpacingMs?: number;
  /**
   * Minimum spacing between writes that notify people (comments, issues, pull requests): plugin-throttling's
   * 3000 by default, since GitHub's secondary limits are strictest there. A test against a fake may set 0.
   */
  notificationSpacingMs?: number;
}

/** The Octokit class SessionHub uses: REST methods, retry and throttling. */
const SessionHubOctokit = Octokit.plugin(retry, throttling);
/** The client {@link createOctokit} builds: `@octokit/rest`'s `Octokit` with the retry and throttling plugins. */
export type SessionHubOctokitInstance = Octokit;

/** Builds an Octokit client with retry, throttling and the given auth. */
export function createOctokit(options: {
  auth: GitHubAuth;
  baseUrl: string;
  userAgent?: string;
  limits?: GitHubLimitsOptions;
}): SessionHubOctokitInstance {
  const { auth, limits = {} } = options;
  const base = limits.retryAfterBaseMs ?? 1000;
  const rateLimitRetries = limits.rateLimitRetries ?? 2;
  if (!Number.isFinite(base) || base < 0) {
    throw new GitHostError('git_host.invalid_option', `retryAfterBaseMs must be a number >= 0, got ${base}`);
  }
  const writeSpacing = limits.writeSpacingMs ?? 1000;
  const authOptions =
    'token' in auth
      ? { auth: auth.token }
      : {
          authStrategy: createAppAuth,
          auth: { appId: auth.appId, privateKey: auth.privateKey, installationId: auth.installationId },
        };
  const retryOnLimit = (_after: number, _options: unknown, _octokit: unknown, retryCount: number) =>
    retryCount < rateLimitRetries;
  return new SessionHubOctokit({
    ...authOptions,
    baseUrl: options.baseUrl,
    userAgent: options.userAgent ?? 'sessionhub-github',
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    retry: { retries: limits.retries ?? 3, retryAfterBaseValue: base },
    throttle: {
      retryAfterBaseValue: base,
      // One write group per client, so spacing set here applies only to this host.
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: writeSpacing }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: limits.notificationSpacingMs ?? 3000 }),
      onRateLimit: retryOnLimit,
      onSecondaryRateLimit: retryOnLimit,
    },
  });
}
