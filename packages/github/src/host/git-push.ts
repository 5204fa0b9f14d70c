import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GitHostError } from '../errors.js';

/** Settings that win over every config file: nothing a repository's config or files name may run. */
const HARDENING = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.sshCommand=ssh',
  'core.askPass=',
  'credential.helper=',
  'protocol.allow=never',
  'protocol.file.allow=always',
  'protocol.https.allow=always',
  'protocol.ssh.allow=always',
  'push.recurseSubmodules=no',
  'gc.auto=0',
].flatMap((setting) => ['-c', setting]);

const SAFE_REF = /^(?!-)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/-]+(?<![./])$/;

function run(args: string[], env: Record<string, string>, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { env, signal, maxBuffer: 4 * 1024 * 1024, timeout: 10 * 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stderr: String(stderr) }));
        else resolve(String(stdout));
      },
    );
  });
}

/** The git directory of `repository`: its `.git` directory, or itself when it is bare. Never a `.git` file. */
async function gitDirOf(repository: string): Promise<string> {
  const dotGit = join(repository, '.git');
  const found = await stat(dotGit).catch(() => undefined);
  if (found?.isDirectory()) return dotGit;
  const head = await stat(join(repository, 'HEAD')).catch(() => undefined);
  if (head?.isFile()) return repository;
  throw new GitHostError(
    'git_host.invalid_input',
    `push: ${repository} is not a git repository (give the repository itself, not a worktree)`,
  );
}

/**
 * Pushes `branch` of a local repository to `url` as `remoteBranch` with plain git, hardened the way
 * `@sessionhub/git` hardens host git: an explicit `GIT_DIR` (never found from a workspace's `.git` file), no
 * system or global config, no hooks, no credential helpers, only `file`, `https` and `ssh`. The token travels
 * in an `http.extraHeader` set through `GIT_CONFIG_*` variables, so it is in no argument list and no URL.
 * @returns the commit pushed.
 */
export async function pushWithGit(options: {
  repository: string;
  branch: string;
  remoteBranch: string;
  url: string;
  force: boolean;
  token: string | undefined;
  signal: AbortSignal | undefined;
}): Promise<{ sha: string }> {
  for (const ref of [options.branch, options.remoteBranch]) {
    if (!SAFE_REF.test(ref)) throw new GitHostError('git_host.invalid_input', `push: not a branch name: ${ref}`);
  }
  const gitDir = await gitDirOf(options.repository);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/',
    GIT_DIR: gitDir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: 'file:https:ssh',
    GIT_PROTOCOL_FROM_USER: '0',
  };
  if (options.token) {
    const basic = Buffer.from(`x-access-token:${options.token}`).toString('base64');
    Object.assign(env, {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
    });
  }
  let sha: string;
  try {
    sha = (
      await run(
        [...HARDENING, 'rev-parse', '--verify', '--end-of-options', `refs/heads/${options.branch}^{commit}`],
        env,
        options.signal,
      )
    ).trim();
  } catch (error) {
    throw new GitHostError(
      'git_host.invalid_input',
      `push: no local branch ${options.branch} in ${options.repository}`,
      {
        cause: error,
      },
    );
  }
  const refspec = `${options.force ? '+' : ''}${sha}:refs/heads/${options.remoteBranch}`;
  try {
    await run([...HARDENING, 'push', '--no-verify', '--porcelain', '--', options.url, refspec], env, options.signal);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    const stderr = String((error as { stderr?: string }).stderr ?? '').replaceAll(options.token ?? '\0', '[redacted]');
    throw new GitHostError(
      'git_host.push_failed',
      `push of ${options.branch} failed: ${stderr.trim() || (error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return { sha };
}
