import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { SessionHubError } from '@sessionhub/core';

/** The optional peer dependencies the fake GitHub API reads its descriptions from. */
export const GITHUB_DESCRIPTION_PACKAGES = ['@octokit/openapi', '@octokit/fixtures'] as const;

/**
 * `startFakeGitHub` cannot find GitHub's descriptions (`fake.github_dependency_missing`): the optional peer
 * dependencies `@octokit/openapi` and `@octokit/fixtures` of `@sessionhub/testing` are not installed.
 * `missing` names the packages not found.
 */
export class FakeGitHubDependencyError extends SessionHubError {
  readonly missing: string[];

  constructor(missing: string[], options?: { cause?: unknown }) {
    super(
      'fake.github_dependency_missing',
      `startFakeGitHub needs ${missing.join(' and ')} (optional peer dependencies of @sessionhub/testing): npm install --save-dev ${GITHUB_DESCRIPTION_PACKAGES.join(' ')}`,
      options,
    );
    this.missing = missing;
  }
}

/** Where the descriptions are on disk. */
export interface GitHubDescriptionFiles {
  /** `@octokit/openapi`'s `api.github.com.json`. */
  openapi: string;
  /** The root directory of `@octokit/fixtures` (its `scenarios/` holds the recorded responses). */
  fixturesRoot: string;
}

let found: GitHubDescriptionFiles | undefined;

/**
 * Finds the two description packages, resolved from `from` (default: this module), without loading them; only
 * the GitHub fake calls it, so importing `@sessionhub/testing` for another fake never needs them.
 *
 * @throws {FakeGitHubDependencyError} when either is not installed.
 */
export function githubDescriptionFiles(from: string | URL = import.meta.url): GitHubDescriptionFiles {
  const own = from === import.meta.url;
  if (own && found) return found;
  const require = createRequire(from);
  const missing: string[] = [];
  const errors: unknown[] = [];
  const resolve = (specifier: string, pkg: string): string => {
    try {
      return require.resolve(specifier);
    } catch (error) {
      missing.push(pkg);
      errors.push(error);
      return '';
    }
  };
  const openapi = resolve('@octokit/openapi/generated/api.github.com.json', '@octokit/openapi');
  const fixtures = resolve('@octokit/fixtures/package.json', '@octokit/fixtures');
  if (missing.length > 0) throw new FakeGitHubDependencyError(missing, { cause: errors[0] });
  const files = { openapi, fixturesRoot: dirname(fixtures) };
  if (own) found = files;
  return files;
}
