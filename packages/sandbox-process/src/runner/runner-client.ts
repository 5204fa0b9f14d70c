import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { SandboxError } from '@sessionhub/core';
import { RunnerConnection } from '@sessionhub/core/sandbox-runner';

/**
 * The process that hosts the shared runner of `@sessionhub/core/sandbox-runner` (bubblewrap, or node itself
 * when unisolated), with the runner protocol (a {@link RunnerConnection}) over its stdin and stdout.
 */
export class RunnerClient {
  private readonly exited: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    /** The protocol: `exec`, `call`, `ready`. */
    readonly connection: RunnerConnection,
  ) {
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
  }

  /** Spawns `argv` (which starts the runner) and resolves once it said `ready`. */
  static async start(
    argv: string[],
    env: Record<string, string>,
    opts: {
      signal?: AbortSignal;
      startTimeoutMs?: number;
      cwd?: string;
      /** Host user to run as (the caller when absent). */
      user?: { uid: number; gid: number };
      /** Descriptors handed to the child as its fds 3, 4, ...; closed here once it started. */
      extraFds?: number[];
    } = {},
  ): Promise<RunnerClient> {
    const [file, ...args] = argv;
    if (file === undefined) throw new SandboxError('sandbox.unavailable', 'empty runner command');
    // detached: the runner gets its own process group, so dispose can kill the group at once.
    // stdio 'pipe' is a socketpair: a process in the sandbox cannot reopen it through /proc/PID/fd.
    const child = spawn(file, args, {
      env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe', ...(opts.extraFds ?? [])],
      detached: true,
      ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}),
    });
    for (const fd of opts.extraFds ?? []) closeSync(fd);
    const stderr: string[] = [];
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      if (stderr.join('').length < 4096) stderr.push(text);
    });
    child.stdin?.on('error', () => undefined);
    const connection = new RunnerConnection((line) => child.stdin?.write(line));
    child.stdout?.on('data', (chunk: Buffer) => connection.receive(chunk));
    child.once('error', (error) => {
      connection.close(new SandboxError('sandbox.unavailable', `sandbox runner failed: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      connection.close(
        new SandboxError('sandbox.unavailable', `sandbox runner exited (code ${code}, signal ${signal})`),
      );
    });
    const client = new RunnerClient(child, connection);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      await Promise.race([
        connection.ready,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('runner did not start in time')), opts.startTimeoutMs ?? 15_000);
          onAbort = () => reject(opts.signal?.reason ?? new Error('aborted'));
          opts.signal?.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } catch (error) {
      client.kill();
      const detail = stderr.join('').trim();
      const suffix = detail ? `: ${detail}` : '';
      throw error instanceof SandboxError
        ? new SandboxError(error.code, `${error.message}${suffix}`)
        : new SandboxError('sandbox.unavailable', `${String(error)}${suffix}`, { cause: error });
    } finally {
      clearTimeout(timer);
      if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    }
    return client;
  }

  /** Kills the runner's whole process group at once and waits until it is gone. */
  async killAndWait(): Promise<void> {
    this.kill();
    await this.exited;
  }

  private kill(): void {
    const pid = this.child.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.child.kill('SIGKILL');
  }
}
