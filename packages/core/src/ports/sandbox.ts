/** Resource limits of a sandbox. Adapters document which they enforce. */
export interface SandboxLimits {
  /** CPU cores (may be fractional). */
  cpus?: number;
  memoryMb?: number;
  /** Maximum number of processes. */
  pids?: number;
  /** Size cap of writable scratch space such as /tmp. */
  tmpMb?: number;
  /**
   * Cap in MiB on everything a session writes to disk through its workspace: writes past it fail inside the
   * sandbox (ENOSPC) and the host's disk keeps the rest. An adapter that cannot enforce it here refuses to
   * create the sandbox (`sandbox.limit_unavailable`) rather than ignore it. Unset: no cap.
   */
  diskMb?: number;
}

/** Options of `SandboxProvider.create`. */
export interface SandboxCreateOptions {
  /** Host directory holding the working copy; mounted read-write as the sandbox's workspace. */
  workspace: string;
  limits?: SandboxLimits;
  /** Network access; default `false` (no network at all). */
  network?: boolean;
  /** Environment variables every command sees. The host environment is never inherited. */
  env?: Record<string, string>;
  /** Labels for ownership, e.g. the session id. */
  labels?: Record<string, string>;
  signal?: AbortSignal;
}

/** Options of `Sandbox.exec`. */
export interface ExecOptions {
  /** Working directory relative to the workspace root. */
  cwd?: string;
  /** Extra environment for this command. */
  env?: Record<string, string>;
  /** Kill the whole process tree after this long; the result has `timedOut: true`. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Cap on captured bytes per stream; past it output is cut and ends with a truncation marker. */
  maxOutputBytes?: number;
  /** Bytes written to the command's standard input. */
  stdin?: string;
  /** Streaming output as it arrives. */
  onOutput?: (chunk: { stream: 'stdout' | 'stderr'; data: string }) => void;
}

/** The outcome of a command. */
export interface ExecResult {
  /** Exit code, or `null` when killed by a signal. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Whether either stream was cut at `maxOutputBytes`. */
  truncated: boolean;
  durationMs: number;
}

/** One entry of `Sandbox.list`. */
export interface SandboxEntry {
  /** Workspace-relative path with `/` separators. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  size: number;
}

/** The marker appended to output cut at `maxOutputBytes`. */
export const TRUNCATION_MARKER = '\n[... output truncated by SessionHub ...]\n';

/** How a sandbox isolates commands. `none` means it does not. */
export type IsolationKind = 'docker' | 'bubblewrap' | 'none';

/**
 * A place to run commands and touch files for one session.
 *
 * File paths are relative to the workspace root; a path that leaves it (`..`, an absolute path,
 * a symlink pointing out) is refused with `SandboxError` code `sandbox.path_escape`.
 * Every adapter must pass `describeSandboxConformance` from `@sessionhub/core/testing`.
 */
export interface Sandbox {
  readonly specificationVersion: 1;
  readonly id: string;
  /** Host path of the workspace. */
  readonly workspace: string;
  readonly isolation: IsolationKind;
  /** Runs a command: a string goes through `/bin/sh -c`, an array is an argv. */
  exec(command: string | string[], opts?: ExecOptions): Promise<ExecResult>;
  readFile(path: string, opts?: { signal?: AbortSignal }): Promise<string>;
  /** Creates parent directories as needed. */
  writeFile(path: string, content: string | Uint8Array, opts?: { signal?: AbortSignal }): Promise<void>;
  /** Entries under a directory (default the root), sorted by path. */
  list(path?: string, opts?: { recursive?: boolean; signal?: AbortSignal }): Promise<SandboxEntry[]>;
  /** Removes a file or directory tree. */
  remove(path: string, opts?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Kills every process still running in the sandbox (commands in flight and whatever earlier commands left
   * in the background) and resolves with how many were signalled; the sandbox stays usable. A verifier calls
   * it before its gates, so nothing from the executor's phase can tamper with them. Optional: an adapter that
   * cannot tell its own processes from the host's leaves it out, and a verifier then says so.
   * @throws {SandboxError} `sandbox.unresponsive` when the sandbox does not answer in time.
   */
  killAll?(opts?: { signal?: AbortSignal }): Promise<number>;
  /** Stops every process and releases every resource. Idempotent. */
  dispose(): Promise<void>;
}

/** Creates sandboxes. */
export interface SandboxProvider {
  readonly specificationVersion: 1;
  readonly name: string;
  create(opts: SandboxCreateOptions): Promise<Sandbox>;
  /** Releases pooled resources. */
  close?(): Promise<void>;
}
