import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import type { HostResources } from '../model/report.js';
import type { SandboxProcess } from '../ports/sandbox.js';
import { type RunnerConnection, type RunnerReply, resourcesOf } from './runner-connection.js';

/** What {@link spawnThrough} starts: an argv, its working directory as the runner sees it, and its environment. */
export interface RunnerSpawnRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * A {@link SandboxProcess} over the runner protocol: an `exec` with `keepStdin`, whose stdin is fed with `stdin`
 * requests, whose output chunks become its stdout and stderr streams, and whose `exit` reply ends it.
 */
class RunnerProcess extends EventEmitter implements SandboxProcess {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly stdin: Writable;
  killed = false;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  resources: HostResources | undefined;
  private target = 0;
  private exited = false;

  constructor(private readonly connection: RunnerConnection) {
    super();
    this.stdin = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.connection
          .call({ op: 'stdin', target: this.target, d: Buffer.from(chunk).toString('base64') })
          .then(() => callback(), callback);
      },
      final: (callback) => {
        this.connection.call({ op: 'stdinEnd', target: this.target }).then(() => callback(), callback);
      },
    });
    this.stdin.on('error', () => undefined);
  }

  start(request: RunnerSpawnRequest): void {
    try {
      this.target = this.connection.send(
        { op: 'exec', argv: request.argv, cwd: request.cwd, env: request.env, keepStdin: true },
        (reply) => this.onReply(reply),
      );
    } catch (error) {
      queueMicrotask(() => this.fail(error as Error));
      return;
    }
    if (request.signal) {
      if (request.signal.aborted) this.kill('SIGKILL');
      else request.signal.addEventListener('abort', () => this.kill('SIGKILL'), { once: true });
    }
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.exited) return false;
    this.killed = true;
    this.connection.call({ op: 'signal', target: this.target, sig: signal }).catch(() => undefined);
    return true;
  }

  private onReply(reply: RunnerReply): boolean {
    if (reply.t === 'out' && reply.s && reply.d !== undefined) {
      (reply.s === 'stdout' ? this.stdout : this.stderr).write(Buffer.from(reply.d, 'base64'));
      return false;
    }
    if (reply.t === 'err') {
      this.fail(new Error(`${String(reply.code)}: ${reply.message ?? 'failed'}`));
      return true;
    }
    this.exited = true;
    this.exitCode = typeof reply.code === 'number' ? reply.code : null;
    this.signalCode = typeof reply.signal === 'string' ? (reply.signal as NodeJS.Signals) : null;
    this.resources = resourcesOf(reply).resources;
    if (reply.error) this.stderr.write(`${reply.error}\n`);
    this.stdout.end();
    this.stderr.end();
    this.emit('exit', this.exitCode, this.signalCode);
    return true;
  }

  private fail(error: Error): void {
    if (this.exited) return;
    this.exited = true;
    this.stdout.end();
    this.stderr.end();
    this.emit('error', error);
    this.emit('exit', null, 'SIGKILL');
  }
}

/** Starts a long-lived process through a runner connection (see `Sandbox.spawn`). */
export function spawnThrough(connection: RunnerConnection, request: RunnerSpawnRequest): SandboxProcess {
  const process = new RunnerProcess(connection);
  process.start(request);
  return process;
}
