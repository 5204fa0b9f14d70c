import type { Readable, Writable } from 'node:stream';
import type { HostResources } from '../model/report.js';

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

/** Options of `Sandbox.spawn`. */
export interface SpawnProcessOptions {
  /** Working directory relative to the workspace root. */
  cwd?: string;
  /** Extra environment for this process. */
  env?: Record<string, string>;
  /** Kills the process's whole tree when aborted. */
  signal?: AbortSignal;
}

/**
 * A long-lived process inside a sandbox, with open standard streams: the shape of Node's `ChildProcess` that
 * tools such as the Claude Agent SDK's `spawnClaudeCodeProcess` accept.
 */
export interface SandboxProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Whether `kill` was called. */
  readonly killed: boolean;
  /** Exit code once it exited, else `null` (also `null` when a signal ended it). */
  readonly exitCode: number | null;
  /** The signal that ended it, if one did. */
  readonly signalCode: NodeJS.Signals | null;
  /** What it took from the host (`commands: 1`), once it exited, when the sandbox measured it. */
  readonly resources?: HostResources;
  /** Sends a signal to the process's group; `SIGKILL` takes its whole tree. */
  kill(signal?: NodeJS.Signals): boolean;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  off(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  off(event: 'error', listener: (error: Error) => void): this;
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
  /**
   * What the command took from the host (`commands: 1`): CPU time, peak memory and bytes written of the command
   * and the descendants it waited for. Optional in the port, so a sandbox that cannot measure stays valid;
   * SessionHub's sandboxes fill it, and leave it out only when the measurement was lost (the command killed the
   * process that measures it). See docs/sandboxes.md, "Per-command resource use".
   */
  resources?: HostResources;
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

/** What `Sandbox.readFileCapped` found: the file's size in bytes, and its text when within the cap. */
export interface CappedFile {
  size: number;
  /** Absent when `size` is above the cap. */
  text?: string;
}

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
  /** Where commands see the workspace (e.g. `/workspace`); the same as `workspace` when absent. */
  readonly mountPoint?: string;
  /** Runs a command: a string goes through `/bin/sh -c`, an array is an argv. */
  exec(command: string | string[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Starts a long-lived process inside the sandbox with open stdin, stdout and stderr (no output cap, no
   * timeout: end it with `kill` or `signal`), e.g. an agent that runs all of its tools inside the sandbox.
   * Optional: executors that need it refuse a sandbox without it.
   */
  spawn?(argv: string[], opts?: SpawnProcessOptions): SandboxProcess;
  readFile(path: string, opts?: { signal?: AbortSignal }): Promise<string>;
  /** Creates parent directories as needed. */
  writeFile(path: string, content: string | Uint8Array, opts?: { signal?: AbortSignal }): Promise<void>;
  /** Entries under a directory (default the root), sorted by path. */
  list(path?: string, opts?: { recursive?: boolean; signal?: AbortSignal }): Promise<SandboxEntry[]>;
  /**
   * The entry of one file or directory, found the way `readFile` finds it: symlinks inside the workspace are
   * followed (the type and size are the target's, never `symlink`), and `path` is the canonical path reached.
   * One lookup, where `list` of its directory costs one per sibling. Optional: callers fall back to `list`.
   * @throws {SandboxError} `sandbox.not_found`, `sandbox.path_escape` (as `readFile`).
   */
  stat?(path: string, opts?: { signal?: AbortSignal }): Promise<SandboxEntry>;
  /**
   * A file's size, and its text when it is at most `maxBytes` long (a larger file is not read): found and thrown
   * about as `readFile` does, in one lookup where `stat` then `readFile` cost two. Optional: callers fall back to
   * `stat` and `readFile`.
   */
  readFileCapped?(path: string, maxBytes: number, opts?: { signal?: AbortSignal }): Promise<CappedFile>;
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
