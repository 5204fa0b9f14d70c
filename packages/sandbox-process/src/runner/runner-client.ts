import { type ChildProcess, spawn } from 'node:child_process';
import { SandboxError } from '@sessionhub/core';

/** A command for the runner, already resolved to sandbox paths. */
export interface RunnerExecRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  stdin?: string;
  maxOutputBytes: number;
  timeoutMs: number;
  onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void;
  signal?: AbortSignal;
}

/** What the runner reported when a command ended. */
export interface RunnerExit {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Which streams were cut at the cap. */
  cut: { stdout: boolean; stderr: boolean };
  error?: string;
}

interface Pending {
  request: RunnerExecRequest;
  resolve: (exit: RunnerExit) => void;
  reject: (error: unknown) => void;
}

type RunnerMessage =
  | { t: 'ready' }
  | { t: 'out'; id: string; s: 'stdout' | 'stderr'; d: string }
  | ({ t: 'exit'; id: string } & RunnerExit);

/**
 * The host side of the runner protocol (see `RUNNER_SCRIPT`): starts the process that hosts the
 * runner, waits for `ready`, sends exec and kill requests and routes answers to their callers.
 */
export class RunnerClient {
  private readonly pending = new Map<string, Pending>();
  private buffered = '';
  private nextId = 0;
  private dead: SandboxError | undefined;
  private readonly exited: Promise<void>;

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => this.onData(text));
    child.stdin?.on('error', () => undefined);
    child.once('close', (code, signal) => {
      this.fail(new SandboxError('sandbox.unavailable', `sandbox runner exited (code ${code}, signal ${signal})`));
    });
  }

  /** Spawns `argv` (which starts the runner) and resolves once it said `ready`. */
  static async start(
    argv: string[],
    env: Record<string, string>,
    opts: { signal?: AbortSignal; startTimeoutMs?: number; cwd?: string } = {},
  ): Promise<RunnerClient> {
    const [file, ...args] = argv;
    if (file === undefined) throw new SandboxError('sandbox.unavailable', 'empty runner command');
    // detached: the runner gets its own process group, so dispose can kill the group at once.
    const child = spawn(file, args, { env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const stderr: string[] = [];
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      if (stderr.join('').length < 4096) stderr.push(text);
    });
    const client = new RunnerClient(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error('runner did not start in time')), opts.startTimeoutMs ?? 15_000);
      const onAbort = () => done(opts.signal?.reason ?? new Error('aborted'));
      const done = (error?: unknown) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        client.onReady = undefined;
        if (error === undefined) return resolve();
        client.kill();
        const detail = stderr.join('').trim();
        reject(
          error instanceof SandboxError
            ? new SandboxError(error.code, `${error.message}${detail ? `: ${detail}` : ''}`)
            : new SandboxError('sandbox.unavailable', `${String(error)}${detail ? `: ${detail}` : ''}`, {
                cause: error,
              }),
        );
      };
      client.onReady = (error) => done(error);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
    return client;
  }

  private onReady: ((error?: unknown) => void) | undefined;

  /** Whether the runner is gone (exited or killed). */
  get alive(): boolean {
    return this.dead === undefined;
  }

  /** Runs one command; resolves when it ended (or was killed), rejects if the runner died. */
  exec(request: RunnerExecRequest): Promise<RunnerExit> {
    if (this.dead) return Promise.reject(this.dead);
    const id = `x${++this.nextId}`;
    return new Promise<RunnerExit>((resolve, reject) => {
      this.pending.set(id, { request, resolve, reject });
      this.send({
        id,
        op: 'exec',
        argv: request.argv,
        cwd: request.cwd,
        env: request.env,
        stdin: request.stdin === undefined ? undefined : Buffer.from(request.stdin).toString('base64'),
        max: request.maxOutputBytes,
        timeoutMs: request.timeoutMs,
      });
    });
  }

  /** Asks the runner to kill the tree of a running command (by the promise's request). */
  killRequest(request: RunnerExecRequest): void {
    for (const [id, p] of this.pending) if (p.request === request) this.send({ id, op: 'kill' });
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

  private send(message: object): void {
    this.child.stdin?.write(`${JSON.stringify(message)}\n`);
  }

  private onData(text: string): void {
    this.buffered += text;
    for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      let message: RunnerMessage;
      try {
        message = JSON.parse(line) as RunnerMessage;
      } catch {
        continue;
      }
      this.route(message);
    }
  }

  private route(message: RunnerMessage): void {
    if (message.t === 'ready') {
      this.onReady?.();
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.t === 'out') {
      pending.request.onOutput(message.s, Buffer.from(message.d, 'base64'));
    } else if (message.t === 'exit') {
      this.pending.delete(message.id);
      pending.resolve({
        code: message.code,
        signal: message.signal,
        timedOut: message.timedOut,
        cut: message.cut,
        error: message.error,
      });
    }
  }

  private fail(error: SandboxError): void {
    this.dead ??= error;
    this.onReady?.(error);
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
