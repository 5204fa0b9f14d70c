import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { GitError } from './errors.js';

/**
 * Configuration every host git command runs with, given on the command line so that it wins over
 * every config file (and reaches git's child processes through `GIT_CONFIG_PARAMETERS`).
 * It turns off everything in git that runs a command chosen by configuration or by the work tree:
 * hooks, the file-system monitor, external diff and text conversion, pagers and editors,
 * submodule recursion, background maintenance, and transports that run programs.
 */
export const HARDENED_CONFIG: readonly string[] = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.untrackedCache=false',
  'core.pager=cat',
  'core.editor=false',
  'sequence.editor=false',
  'diff.ignoreSubmodules=all',
  'status.submoduleSummary=false',
  'submodule.recurse=false',
  'fetch.recurseSubmodules=false',
  'push.recurseSubmodules=no',
  'protocol.allow=never',
  'protocol.file.allow=always',
  'protocol.https.allow=always',
  'protocol.ssh.allow=always',
  'protocol.ext.allow=never',
  'gc.auto=0',
  'maintenance.auto=false',
  'advice.detachedHead=false',
  'init.defaultBranch=main',
];

/** Where and how one git command runs. */
export interface GitCallOptions {
  /**
   * `GIT_DIR`: explicit for every command on a session workspace, so git never discovers (or follows)
   * a `.git` found in a directory. Only the user's own repository is opened by discovery (from `cwd`,
   * never above it).
   */
  gitDir?: string;
  /** Working directory when there is neither `gitDir` nor `workTree` (discovery of the user's repository). */
  cwd?: string;
  /** `GIT_WORK_TREE`; without it the command runs with no work tree (`core.bare=true`). */
  workTree?: string;
  signal?: AbortSignal;
  /** Written to the command's standard input. */
  input?: string;
  /** Exit codes that are not failures (default `[0]`). */
  okExitCodes?: number[];
  /** Extra environment (identity, dates). */
  env?: Record<string, string>;
  /** Extra `-c` settings, after the hardened ones. */
  config?: string[];
}

/** The result of a git command. */
export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** How the runner finds and configures git. */
export interface GitRunnerOptions {
  /** The git binary. Default `git` on `PATH`. */
  gitBinary?: string;
  /**
   * Read the user's global git config (`~/.gitconfig`), e.g. for signing keys. Default `false`:
   * only the repository's own config is read. The hardened settings win either way.
   */
  userConfig?: boolean;
}

/** Runs host git with {@link HARDENED_CONFIG}, an explicit git directory and a scrubbed environment. */
export class GitRunner {
  readonly gitBinary: string;
  readonly userConfig: boolean;

  constructor(opts: GitRunnerOptions = {}) {
    this.gitBinary = opts.gitBinary ?? 'git';
    this.userConfig = opts.userConfig ?? false;
  }

  /** The environment of every command: nothing inherited but `PATH` and `HOME`. */
  private environment(call: GitCallOptions): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/nonexistent',
      LANG: 'C',
      LC_ALL: 'C',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_OPTIONAL_LOCKS: '0',
      GIT_PAGER: 'cat',
      GIT_EDITOR: 'false',
      GIT_ALLOW_PROTOCOL: 'file:https:ssh',
      GIT_PROTOCOL_FROM_USER: '0',
      GIT_ATTR_NOSYSTEM: '1',
    };
    if (call.gitDir !== undefined) env.GIT_DIR = call.gitDir;
    else if (call.cwd !== undefined) env.GIT_CEILING_DIRECTORIES = dirname(call.cwd);
    if (!this.userConfig) env.GIT_CONFIG_GLOBAL = '/dev/null';
    if (call.workTree !== undefined) env.GIT_WORK_TREE = call.workTree;
    return { ...env, ...call.env };
  }

  /** Runs `git <args>`; a failure becomes `git.command_failed` (or `git.not_installed`). */
  async run(args: string[], call: GitCallOptions): Promise<GitResult> {
    const bare = call.workTree === undefined && call.gitDir !== undefined;
    const config = [...HARDENED_CONFIG, ...(bare ? ['core.bare=true'] : []), ...(call.config ?? [])];
    const argv = [...config.flatMap((c) => ['-c', c]), ...args];
    call.signal?.throwIfAborted();
    return await new Promise<GitResult>((resolve, reject) => {
      const child = execFile(
        this.gitBinary,
        argv,
        {
          cwd: call.workTree ?? call.gitDir ?? call.cwd,
          env: this.environment(call),
          maxBuffer: 256 * 1024 * 1024,
          signal: call.signal,
          encoding: 'utf8',
        },
        (error, stdout, stderr) => {
          if (error === null) return resolve({ stdout, stderr, exitCode: 0 });
          const err = error as NodeJS.ErrnoException & { code?: string | number };
          if (call.signal?.aborted) return reject(call.signal.reason);
          if (err.code === 'ENOENT') {
            return reject(
              new GitError('git.not_installed', `git was not found (${this.gitBinary}); install git 2.38 or newer`, {
                cause: error,
              }),
            );
          }
          const exitCode = typeof err.code === 'number' ? err.code : -1;
          if ((call.okExitCodes ?? [0]).includes(exitCode)) return resolve({ stdout, stderr, exitCode });
          reject(
            new GitError(
              'git.command_failed',
              `git ${args[0]} failed (exit ${exitCode}): ${stderr.trim() || stdout.trim()}`,
              {
                cause: error,
              },
            ),
          );
        },
      );
      if (call.input !== undefined) child.stdin?.end(call.input);
    });
  }

  /** Runs `git <args>` and returns its standard output without the trailing newline. */
  async text(args: string[], call: GitCallOptions): Promise<string> {
    return (await this.run(args, call)).stdout.replace(/\n$/, '');
  }
}
