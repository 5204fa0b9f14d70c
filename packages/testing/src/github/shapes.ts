import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { githubDescriptionFiles } from './descriptions.js';
import { openApiIndex } from './openapi.js';

interface FixtureEntry {
  method: string;
  path: string;
  status: number;
  response: unknown;
}

const fixtureCache = new Map<string, FixtureEntry[]>();

function fixture(scenario: string): FixtureEntry[] {
  let entries = fixtureCache.get(scenario);
  if (!entries) {
    const file = join(
      githubDescriptionFiles().fixturesRoot,
      'scenarios',
      'api.github.com',
      scenario,
      'normalized-fixture.json',
    );
    entries = JSON.parse(readFileSync(file, 'utf8')) as FixtureEntry[];
    fixtureCache.set(scenario, entries);
  }
  return entries;
}

function recorded(scenario: string, method: string, pathEnd: RegExp, status: number): Record<string, unknown> {
  const entry = fixture(scenario).find(
    (e) => e.method.toLowerCase() === method && pathEnd.test(e.path.split('?')[0] as string) && e.status === status,
  );
  if (!entry) throw new Error(`@octokit/fixtures: no ${method} ${pathEnd} ${status} in ${scenario}`);
  return structuredClone(entry.response) as Record<string, unknown>;
}

function documented(operationId: string, status: string): Record<string, unknown> {
  const example = openApiIndex().byId(operationId)?.responses[status]?.example;
  if (example === undefined) throw new Error(`openapi: no example for ${operationId} ${status}`);
  return structuredClone(example) as Record<string, unknown>;
}

/**
 * Templates of the fake's answers: recorded responses of `@octokit/fixtures` where a scenario recorded the
 * operation (issue, labels, git ref, the 422 error), else the example GitHub's OpenAPI description documents.
 * Each call returns a fresh copy for the fake to fill in.
 */
export const shapes = {
  issue: () => recorded('add-labels-to-issue', 'post', /\/issues$/, 201),
  label: () =>
    (
      recorded('add-labels-to-issue', 'post', /\/issues\/1\/labels$/, 200) as unknown as Record<string, unknown>[]
    )[0] as Record<string, unknown>,
  user: () => recorded('add-labels-to-issue', 'post', /\/issues$/, 201).user as Record<string, unknown>,
  gitRef: () => recorded('git-refs', 'post', /\/git\/refs$/, 201),
  validationError: () => recorded('errors', 'post', /\/labels$/, 422),
  comment: () => documented('issues/create-comment', '201'),
  pullRequest: () => documented('pulls/create', '201'),
  permission: () => documented('repos/get-collaborator-permission-level', '200'),
  installationToken: () => documented('apps/create-installation-access-token', '201'),
};
