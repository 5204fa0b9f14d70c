/**
 * The engine and the GitHub host the issue-loop tests (and the receiver process they spawn) run with. No test
 * runner in its imports, so a plain tsx process can load it.
 */
import { createSessionHub, type SessionHub, type SessionHubOptions } from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, ScriptedVerifier } from '@sessionhub/core/testing/doubles';
import { GitHubHost, type GitHubHostOptions } from '../src/index.js';

/**
 * A real engine with scripted actors (a plain `ScriptedPlanner`, `ScriptedExecutor` and `ScriptedVerifier` unless
 * given) and the Foundation step skipped; `policy` adds to that.
 */
export function scriptedHub(
  options: Pick<SessionHubOptions, 'store' | 'sandbox' | 'workspace'> &
    Partial<Pick<SessionHubOptions, 'planner' | 'executor' | 'verifier' | 'policy'>>,
): SessionHub {
  return createSessionHub({
    planner: new ScriptedPlanner(),
    executor: new ScriptedExecutor(),
    verifier: new ScriptedVerifier(),
    ...options,
    policy: { foundation: 'skip', ...options.policy },
  });
}

/** A `GitHubHost` on the fake GitHub API at `baseUrl` with token `t` and no spacing between writes. */
export function fakeGitHubHost(baseUrl: string, extra: Partial<GitHubHostOptions> = {}): GitHubHost {
  return new GitHubHost({
    auth: { token: 't' },
    baseUrl,
    limits: { writeSpacingMs: 0, notificationSpacingMs: 0 },
    ...extra,
  });
}
