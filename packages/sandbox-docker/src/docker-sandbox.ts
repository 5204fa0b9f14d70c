import { StringDecoder } from 'node:string_decoder';
import {
  type ExecOptions,
  type ExecResult,
  type Sandbox,
  type SandboxEntry,
  SandboxError,
  TRUNCATION_MARKER,
} from '@sessionhub/core';
import type Dockerode from 'dockerode';
import { checkRelativePath } from './path-check.js';
import type { RunnerClient, RunnerReply } from './runner/runner-client.js';

/** What a `DockerSandbox` is made of; built by `DockerSandboxProvider`. */
export interface DockerSandboxParts {
  id: string;
  workspace: string;
  container: Dockerode.Container;
  runner: RunnerClient;
  env: Record<string, string>;
  labels: Record<string, string>;
  onDispose?: () => void;
}

/** Default cap per stream when `exec` names none: 1 MiB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * A sandbox backed by one container. Commands and file operations go to the in-container runner
 * over the container's attached stdin/stdout, so a command costs one round trip on an open stream
 * instead of an Engine API exec; file operations run as the sandbox user inside the container, so
 * they can never reach further than a command can.
 */
export class DockerSandbox implements Sandbox {
  readonly specificationVersion = 1 as const;
  readonly isolation = 'docker' as const;
  readonly id: string;
  readonly workspace: string;
  /** The container's id. */
  readonly containerId: string;
  /** Labels given at `create` (ownership of the session). */
  readonly labels: Readonly<Record<string, string>>;
  private readonly container: Dockerode.Container;
  private readonly runner: RunnerClient;
  private readonly env: Record<string, string>;
  private disposing: Promise<void> | undefined;
  private readonly onDispose: (() => void) | undefined;

  constructor(parts: DockerSandboxParts) {
    this.id = parts.id;
    this.workspace = parts.workspace;
    this.container = parts.container;
    this.containerId = parts.container.id;
    this.runner = parts.runner;
    this.env = parts.env;
    this.labels = parts.labels;
    this.onDispose = parts.onDispose;
  }

  exec(command: string | string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.disposing) return Promise.reject(this.disposedError());
    if (opts.signal?.aborted) return Promise.reject(opts.signal.reason);
    const argv = typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
    if (argv.length === 0) return Promise.reject(new SandboxError('sandbox.invalid_command', 'empty argv'));
    if (opts.cwd !== undefined) {
      try {
        checkRelativePath(opts.cwd, true);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const maxBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    return new Promise<ExecResult>((resolve, reject) => {
      const text = { stdout: '', stderr: '' };
      const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
      let requestId = 0;
      const onAbort = (): void => {
        this.runner.call({ op: 'cancel', target: requestId }).catch(() => undefined);
      };
      const listener = (reply: RunnerReply): boolean => {
        if (reply.t === 'out' && reply.s && reply.d !== undefined) {
          const data = decoders[reply.s].write(Buffer.from(reply.d, 'base64'));
          text[reply.s] += data;
          if (data && opts.onOutput) {
            try {
              opts.onOutput({ stream: reply.s, data });
            } catch {
              // a failing listener must not break the command
            }
          }
          return false;
        }
        opts.signal?.removeEventListener('abort', onAbort);
        if (reply.t === 'err') {
          reject(new SandboxError(typeof reply.code === 'string' ? reply.code : 'sandbox.io', reply.message ?? ''));
          return true;
        }
        if (opts.signal?.aborted) {
          reject(opts.signal.reason);
          return true;
        }
        const truncated = reply.truncated === true;
        text.stdout += decoders.stdout.end();
        text.stderr += decoders.stderr.end();
        if (truncated) {
          if (Buffer.byteLength(text.stdout) >= maxBytes) text.stdout += TRUNCATION_MARKER;
          if (Buffer.byteLength(text.stderr) >= maxBytes) text.stderr += TRUNCATION_MARKER;
        }
        if (reply.error) text.stderr += `${reply.error}\n`;
        resolve({
          exitCode: typeof reply.code === 'number' ? reply.code : null,
          stdout: text.stdout,
          stderr: text.stderr,
          timedOut: reply.timedOut === true,
          truncated,
          durationMs: reply.ms ?? 0,
        });
        return true;
      };
      try {
        requestId = this.runner.send(
          {
            op: 'exec',
            argv,
            cwd: opts.cwd ?? '',
            env: { ...this.env, ...opts.env },
            timeoutMs: opts.timeoutMs,
            maxBytes,
            stdin: opts.stdin,
          },
          listener,
        );
      } catch (error) {
        reject(error);
        return;
      }
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async readFile(path: string, opts?: { signal?: AbortSignal }): Promise<string> {
    const reply = await this.fileCall({ op: 'read', path }, path, false, opts?.signal);
    return Buffer.from(reply.data ?? '', 'base64').toString('utf8');
  }

  async writeFile(path: string, content: string | Uint8Array, opts?: { signal?: AbortSignal }): Promise<void> {
    const data = (typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content)).toString('base64');
    await this.fileCall({ op: 'write', path, data }, path, false, opts?.signal);
  }

  async list(path = '', opts?: { recursive?: boolean; signal?: AbortSignal }): Promise<SandboxEntry[]> {
    const reply = await this.fileCall(
      { op: 'list', path, recursive: opts?.recursive === true },
      path,
      true,
      opts?.signal,
    );
    return reply.entries ?? [];
  }

  async remove(path: string, opts?: { signal?: AbortSignal }): Promise<void> {
    await this.fileCall({ op: 'remove', path }, path, false, opts?.signal);
  }

  /** Kills every process and removes the container. Idempotent. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      this.runner.close();
      try {
        await this.container.remove({ force: true, v: true });
      } catch (error) {
        // 404: already gone (e.g. removed by a reaper); 409: removal already in progress.
        const status = (error as { statusCode?: number }).statusCode;
        if (status !== 404 && status !== 409) throw error;
      } finally {
        this.onDispose?.();
      }
    })();
    return this.disposing;
  }

  private assertLive(): void {
    if (this.disposing) throw this.disposedError();
  }

  private disposedError(): SandboxError {
    return new SandboxError('sandbox.disposed', `sandbox ${this.id} was disposed`);
  }

  private async fileCall(
    request: Record<string, unknown>,
    path: string,
    allowRoot: boolean,
    signal?: AbortSignal,
  ): Promise<RunnerReply> {
    this.assertLive();
    signal?.throwIfAborted();
    checkRelativePath(path, allowRoot);
    return this.runner.call(request);
  }
}
