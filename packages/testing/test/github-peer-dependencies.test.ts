import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeGitHubDependencyError, githubDescriptionFiles } from '../src/github/descriptions.js';

const exec = promisify(execFile);
const here = dirname(new URL(import.meta.url).pathname);
const repoRoot = join(here, '..', '..', '..');
let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

/** Runs an ES module program in a fresh Node process at the repository root (workspace sources through tsx). */
async function runModule(program: string): Promise<unknown> {
  const { stdout } = await exec(
    process.execPath,
    ['--import', 'tsx', '--conditions=@sessionhub/source', '--input-type=module', '-e', program],
    { cwd: repoRoot },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
}

/** A project directory whose `node_modules` holds only the given packages (links to the installed ones). */
async function projectWith(packages: string[]): Promise<URL> {
  dir = await mkdtemp(join(tmpdir(), 'sessionhub-peers-'));
  for (const name of packages) {
    const installed = await realpath(join(repoRoot, 'node_modules', name));
    await mkdir(join(dir, 'node_modules', dirname(name)), { recursive: true });
    await symlink(installed, join(dir, 'node_modules', name));
  }
  await writeFile(join(dir, 'index.js'), '');
  return pathToFileURL(join(dir, 'index.js'));
}

describe('the fake GitHub API’s optional peer dependencies', () => {
  it('missing: a FakeGitHubDependencyError names each missing package and the install command', async () => {
    const none = await projectWith([]);
    const error = (() => {
      try {
        githubDescriptionFiles(none);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(FakeGitHubDependencyError);
    expect(error).toMatchObject({
      code: 'fake.github_dependency_missing',
      missing: ['@octokit/openapi', '@octokit/fixtures'],
    });
    expect((error as Error).message).toContain('npm install --save-dev @octokit/openapi @octokit/fixtures');
  });

  it('one missing: only that one is named; both installed: their files are found', async () => {
    const half = await projectWith(['@octokit/openapi']);
    expect(() => githubDescriptionFiles(half)).toThrow(
      expect.objectContaining({ code: 'fake.github_dependency_missing', missing: ['@octokit/fixtures'] }),
    );
    await rm(dir, { recursive: true, force: true });
    const both = await projectWith(['@octokit/openapi', '@octokit/fixtures']);
    const files = githubDescriptionFiles(both);
    expect(files.openapi.endsWith('/generated/api.github.com.json')).toBe(true);
    expect(files.fixturesRoot.endsWith('/@octokit/fixtures')).toBe(true);
  });

  it('importing @sessionhub/testing and using the Messages API fake never resolves them; startFakeGitHub does', {
    timeout: 60_000,
  }, async () => {
    // A fresh process: every resolution of a CommonJS specifier (how the GitHub fake finds the descriptions) is seen.
    const program = `
      import Module from 'node:module';
      const seen = [];
      const original = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (/^@octokit\\/(openapi|fixtures)\\b/.test(request)) seen.push(request.split('/').slice(0, 2).join('/'));
        return original.call(this, request, ...rest);
      };
      const testing = await import('@sessionhub/testing');
      const model = await testing.startFakeAnthropic({ script: [{ reply: testing.reply.text('hello') }] });
      const res = await fetch(model.url + '/v1/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      });
      const answer = (await res.json()).content[0].text;
      model.assertDone();
      await model.close();
      const beforeGitHub = [...seen];
      const github = await testing.startFakeGitHub();
      await github.close();
      console.log(JSON.stringify({ answer, beforeGitHub, afterGitHub: [...new Set(seen)].sort() }));
    `;
    expect(await runModule(program)).toEqual({
      answer: 'hello',
      beforeGitHub: [],
      afterGitHub: ['@octokit/fixtures', '@octokit/openapi'],
    });
  });

  it('uninstalled in a process: startFakeGitHub rejects with the typed error, and the Messages API fake still works', {
    timeout: 60_000,
  }, async () => {
    // The packages are made unresolvable in this process only, as when they are not installed.
    const program = `
      import Module from 'node:module';
      const original = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (/^@octokit\\/(openapi|fixtures)\\b/.test(request)) {
          throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
        }
        return original.call(this, request, ...rest);
      };
      const testing = await import('@sessionhub/testing');
      const rejected = await testing.startFakeGitHub().then(() => null, (e) => ({
        typed: e instanceof testing.FakeGitHubDependencyError,
        code: e.code,
        missing: e.missing,
      }));
      const model = await testing.startFakeAnthropic({ script: [{ reply: testing.reply.text('hello') }] });
      const res = await fetch(model.url + '/v1/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      });
      const answer = (await res.json()).content[0].text;
      await model.close();
      console.log(JSON.stringify({ rejected, answer }));
    `;
    expect(await runModule(program)).toEqual({
      rejected: {
        typed: true,
        code: 'fake.github_dependency_missing',
        missing: ['@octokit/openapi', '@octokit/fixtures'],
      },
      answer: 'hello',
    });
  });
});
