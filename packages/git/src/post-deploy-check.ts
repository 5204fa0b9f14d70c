import { join } from 'node:path';
import type { ExecResult, SandboxCreateOptions, SandboxProvider } from '@sessionhub/core';
import type { GitRunner } from './git-runner.js';
import { removeWorktree } from './worktrees.js';

/** A command run in a sandbox over the promoted commit; exit code 0 passes. */
export interface PostDeployCheck {
  /** A string goes through `/bin/sh -c`; an array is an argv. */
  command: string | string[];
  /** The sandbox provider (e.g. `@sessionhub/sandbox-process`). */
  sandbox: SandboxProvider;
  /** Default 600 000 ms; a timeout fails the check. */
  timeoutMs?: number;
  /** Passed to `SandboxProvider.create` (limits, network, env). */
  sandboxOptions?: Omit<SandboxCreateOptions, 'workspace' | 'signal'>;
}

/** The outcome of a post-deploy check. */
export interface CheckResult {
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  /** The last 4 000 characters of stdout and stderr. */
  output: string;
}

/**
 * Checks out `sha` in a throw-away worktree (detached, under `workspacesDir`), runs the check command
 * in a sandbox over it, and removes the worktree whatever happens.
 */
export async function runPostDeployCheck(input: {
  git: GitRunner;
  commonDir: string;
  workspacesDir: string;
  sha: string;
  name: string;
  check: PostDeployCheck;
  signal: AbortSignal;
}): Promise<CheckResult> {
  const { git, commonDir, signal, check } = input;
  const dir = join(input.workspacesDir, `deploy-check-${input.name}-${process.pid}`);
  await removeWorktree(git, commonDir, dir, signal);
  await git.run(['worktree', 'add', '--quiet', '--detach', dir, input.sha], { gitDir: commonDir, signal });
  try {
    const sandbox = await check.sandbox.create({ ...check.sandboxOptions, workspace: dir, signal });
    let result: ExecResult;
    try {
      result = await sandbox.exec(check.command, { timeoutMs: check.timeoutMs ?? 600_000, signal });
    } finally {
      await sandbox.dispose();
    }
    return {
      passed: result.exitCode === 0 && !result.timedOut,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      output: `${result.stdout}${result.stderr}`.slice(-4000),
    };
  } finally {
    // Cleaned up even when `signal` aborted the check.
    await removeWorktree(git, commonDir, dir, new AbortController().signal);
  }
}
