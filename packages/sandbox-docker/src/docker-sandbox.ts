import {
  type ExecOptions,
  type ExecResult,
  type Sandbox,
  type SandboxEntry,
  SandboxError,
  type SandboxProcess,
  type SpawnProcessOptions,
} from '@sessionhub/core';
import { killAllThrough, type RunnerReply, spawnThrough, type WorkspaceDiskCap } from '@sessionhub/core/sandbox-runner';
import type Dockerode from 'dockerode';
import { CONTAINER_WORKSPACE } from './container-spec.js';
import { checkRelativePath } from './path-check.js';
import type { RunnerClient } from './runner/runner-client.js';

/** What a `DockerSandbox` is made of; built by `DockerSandboxProvider`. */
export interface DockerSandboxParts {
  id: string;
  workspace: string;
  container: Dockerode.Container;
  runner: RunnerClient;
  env: Record<string, string>;
  labels: Record<string, string>;
  /** The workspace's capped filesystem (`limits.diskMb`), released after the container is gone. */
  disk?: WorkspaceDiskCap;
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
  /** Where commands see the workspace. */
  readonly mountPoint = CONTAINER_WORKSPACE;
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
  private readonly disk: WorkspaceDiskCap | undefined;

  constructor(parts: DockerSandboxParts) {
    this.disk = parts.disk;
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
    const argv = typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
    if (argv.length === 0) return Promise.reject(new SandboxError('sandbox.invalid_command', 'empty argv'));
    if (opts.cwd !== undefined) {
      try {
        checkRelativePath(opts.cwd, true);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    // The runner resolves the workspace-relative cwd itself (see runner-script.ts).
    return this.runner.connection.exec({
      ...opts,
      argv,
      cwd: opts.cwd ?? '',
      env: { ...this.env, ...opts.env },
      maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
    });
  }

  /** Starts a long-lived process in the container with open streams (see `Sandbox.spawn`). */
  spawn(argv: string[], opts: SpawnProcessOptions = {}): SandboxProcess {
    this.assertLive();
    if (argv.length === 0) throw new SandboxError('sandbox.invalid_command', 'empty argv');
    if (opts.cwd !== undefined) checkRelativePath(opts.cwd, true);
    return spawnThrough(this.runner.connection, {
      argv,
      cwd: opts.cwd ?? '',
      env: { ...this.env, ...opts.env },
      signal: opts.signal,
    });
  }

  async readFile(path: string, opts?: { signal?: AbortSignal }): Promise<string> {
    const reply = await this.fileCall({ op: 'read', path }, path, false, opts?.signal);
    return Buffer.from(typeof reply.data === 'string' ? reply.data : '', 'base64').toString('utf8');
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
    return (reply.entries as SandboxEntry[] | undefined) ?? [];
  }

  async remove(path: string, opts?: { signal?: AbortSignal }): Promise<void> {
    await this.fileCall({ op: 'remove', path }, path, false, opts?.signal);
  }

  /** Kills every process in the container but its init and runner (see `Sandbox.killAll`). */
  async killAll(opts: { signal?: AbortSignal } = {}): Promise<number> {
    this.assertLive();
    return killAllThrough(this.runner.connection, opts);
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
      await this.disk?.release();
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
    return this.runner.connection.call(request);
  }
}
