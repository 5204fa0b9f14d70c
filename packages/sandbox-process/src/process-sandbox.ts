import {
  type CappedFile,
  type ExecOptions,
  type ExecResult,
  type IsolationKind,
  type Sandbox,
  type SandboxEntry,
  SandboxError,
  type SandboxProcess,
  type SpawnProcessOptions,
} from '@sessionhub/core';
import { killAllThrough, spawnThrough, type WorkspaceDiskCap } from '@sessionhub/core/sandbox-runner';
import type { CgroupV1 } from './cgroup.js';
import type { CgroupV2 } from './cgroup-v2.js';
import { killTagged } from './kill-tagged.js';
import type { RunnerClient } from './runner/runner-client.js';
import { WorkspaceFs } from './workspace-fs.js';

/** The environment variable carrying the sandbox id into every command (used to reap strays). */
export const SANDBOX_ID_VARIABLE = 'SESSIONHUB_SANDBOX_ID';

/**
 * How a sandbox's limits are enforced: `cgroup`, a cgroup v1 subtree, or `cgroup2`, a child of a delegated
 * cgroup v2 subtree (pids, memory, cpus for the whole sandbox, every limit asked for); `rlimit`, per-command
 * RLIMIT_AS through `prlimit` (memory only; pids and cpus unenforced); or `none`.
 */
export type LimitsEnforcement = 'cgroup' | 'cgroup2' | 'rlimit' | 'none';

/** What a {@link ProcessSandbox} is built from (made by the provider). */
export interface ProcessSandboxParts {
  id: string;
  workspace: string;
  isolation: IsolationKind;
  /** Workspace path as commands see it (`/workspace` under bubblewrap, the host path otherwise). */
  mountPoint: string;
  runner: RunnerClient;
  cgroup: CgroupV1 | CgroupV2 | undefined;
  /** The workspace's own capped filesystem, when `limits.diskMb` was given. */
  disk: WorkspaceDiskCap | undefined;
  /** The host user the sandbox runs as, when it is not this process's (root): owner of what the file API makes. */
  hostUser?: { uid: number; gid: number };
  limitsEnforcement: LimitsEnforcement;
  labels: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
}

/**
 * A {@link Sandbox} whose commands run in one long-lived runner process: inside bubblewrap
 * (`isolation: 'bubblewrap'`) or as a plain child process (`'none'`, only when allowed). Files are
 * served on the host by {@link WorkspaceFs} with strict containment.
 */
export class ProcessSandbox implements Sandbox {
  readonly specificationVersion = 1 as const;
  readonly id: string;
  readonly workspace: string;
  readonly isolation: IsolationKind;
  /** Where commands see the workspace: `/workspace` under bubblewrap, the host path otherwise. */
  readonly mountPoint: string;
  /** Labels given at creation. */
  readonly labels: Record<string, string>;
  /** How limits (pids, memory, cpus) are enforced. */
  readonly limitsEnforcement: LimitsEnforcement;
  private readonly fs: WorkspaceFs;
  private disposing: Promise<void> | undefined;

  constructor(private readonly parts: ProcessSandboxParts) {
    this.id = parts.id;
    this.workspace = parts.workspace;
    this.isolation = parts.isolation;
    this.mountPoint = parts.mountPoint;
    this.labels = parts.labels;
    this.limitsEnforcement = parts.limitsEnforcement;
    this.fs = new WorkspaceFs(
      parts.workspace,
      parts.mountPoint === parts.workspace ? [] : [parts.mountPoint],
      parts.hostUser,
    );
  }

  async exec(command: string | string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.assertOpen();
    const argv = typeof command === 'string' ? ['/bin/sh', '-c', command] : [...command];
    if (argv.length === 0) throw new SandboxError('sandbox.invalid_command', 'empty argv');
    const rel = opts.cwd ? this.fs.directory(opts.cwd) : '';
    try {
      // Commands see the workspace at the mount point; the runner's environment is the sandbox's (see provider.ts).
      return await this.parts.runner.connection.exec({
        ...opts,
        argv,
        cwd: rel === '' ? this.parts.mountPoint : `${this.parts.mountPoint}/${rel}`,
        env: { ...opts.env },
        maxOutputBytes: opts.maxOutputBytes ?? this.parts.maxOutputBytes,
        timeoutMs: opts.timeoutMs ?? this.parts.timeoutMs,
      });
    } catch (error) {
      if (this.disposing) {
        throw new SandboxError('sandbox.disposed', `sandbox ${this.id} was disposed`, { cause: error });
      }
      throw error;
    }
  }

  /** Starts a long-lived process in the sandbox with open streams (see `Sandbox.spawn`). */
  spawn(argv: string[], opts: SpawnProcessOptions = {}): SandboxProcess {
    this.assertOpen();
    if (argv.length === 0) throw new SandboxError('sandbox.invalid_command', 'empty argv');
    const rel = opts.cwd ? this.fs.directory(opts.cwd) : '';
    return spawnThrough(this.parts.runner.connection, {
      argv,
      cwd: rel === '' ? this.parts.mountPoint : `${this.parts.mountPoint}/${rel}`,
      env: { ...opts.env },
      signal: opts.signal,
    });
  }

  async readFile(path: string, opts: { signal?: AbortSignal } = {}): Promise<string> {
    this.assertOpen(opts.signal);
    return this.fs.read(path).toString('utf8');
  }

  async readFileCapped(path: string, maxBytes: number, opts: { signal?: AbortSignal } = {}): Promise<CappedFile> {
    this.assertOpen(opts.signal);
    const { size, data } = this.fs.readCapped(path, maxBytes);
    return data ? { size, text: data.toString('utf8') } : { size };
  }

  async writeFile(path: string, content: string | Uint8Array, opts: { signal?: AbortSignal } = {}): Promise<void> {
    this.assertOpen(opts.signal);
    this.fs.write(path, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
  }

  async list(path = '', opts: { recursive?: boolean; signal?: AbortSignal } = {}): Promise<SandboxEntry[]> {
    this.assertOpen(opts.signal);
    return this.fs.list(path, opts.recursive ?? false);
  }

  async stat(path: string, opts: { signal?: AbortSignal } = {}): Promise<SandboxEntry> {
    this.assertOpen(opts.signal);
    return this.fs.stat(path);
  }

  async remove(path: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    this.assertOpen(opts.signal);
    this.fs.remove(path);
  }

  /**
   * Kills every process of the sandbox but its runner (see `Sandbox.killAll`): under bubblewrap everything in
   * its pid namespace; unisolated, the runner's descendants and every process carrying the sandbox's id.
   */
  async killAll(opts: { signal?: AbortSignal } = {}): Promise<number> {
    this.assertOpen(opts.signal);
    const killed = await killAllThrough(this.parts.runner.connection, opts);
    return this.isolation === 'none' ? killed + killTagged(SANDBOX_ID_VARIABLE, this.id) : killed;
  }

  /** Kills the runner and with it every process of the sandbox, then releases the cgroup. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      await this.parts.runner.killAndWait();
      // Unisolated commands that called setsid live outside the runner's group: find them by tag.
      if (this.isolation === 'none') killTagged(SANDBOX_ID_VARIABLE, this.id);
      await this.parts.cgroup?.destroy();
      this.fs.close();
      await this.parts.disk?.release();
    })();
    return this.disposing;
  }

  private assertOpen(signal?: AbortSignal): void {
    if (this.disposing) throw new SandboxError('sandbox.disposed', `sandbox ${this.id} was disposed`);
    signal?.throwIfAborted();
  }
}
