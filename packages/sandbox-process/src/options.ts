import type { SandboxLimits } from '@sessionhub/core';

/** How a provider isolates: `auto` uses bubblewrap when it works here, else none. */
export type ProcessIsolationOption = 'auto' | 'bubblewrap' | 'none';

/** Limits and exec defaults applied when a call does not give its own. */
export interface ProcessSandboxDefaults extends SandboxLimits {
  /** Default `timeoutMs` of `exec` (default 600 000). */
  timeoutMs?: number;
  /** Default `maxOutputBytes` of `exec` (default 1 MiB). */
  maxOutputBytes?: number;
}

/** Options of {@link ProcessSandboxProvider}. */
export interface ProcessSandboxProviderOptions {
  /** Default `auto`: bubblewrap when installed and working, else `none`. */
  isolation?: ProcessIsolationOption;
  /** Allow sandboxes without isolation (`isolation: 'none'`); `create` refuses them otherwise. */
  allowUnisolated?: boolean;
  /** Limits and exec defaults. */
  defaults?: ProcessSandboxDefaults;
  /** Path of the `bwrap` binary; default the first `bwrap` on PATH. */
  bwrapPath?: string;
  /** Node binary that hosts the in-sandbox runner; default `process.execPath`. */
  nodePath?: string;
  /**
   * Enforce limits with a cgroup when one is writable (default true): a cgroup v1 subtree, else a child of a
   * cgroup v2 subtree (see `cgroupRoot`). When false, or when no cgroup enforces every limit, memory is
   * limited per command with `prlimit --as` and `limitsEnforcement` says `'rlimit'`.
   */
  cgroups?: boolean;
  /**
   * A delegated cgroup v2 directory (writable by this process, holding no processes of its own) under which
   * each sandbox gets a child with `pids.max`, `memory.max` and `cpu.max`: how limits are enforced on cgroup
   * v2-only hosts (e.g. `systemd-run --user --scope -p Delegate=yes ...`, then this process's own cgroup's
   * parent, or a directory an administrator made). Given, it is used instead of cgroup v1. Default: cgroup v1
   * where writable, else a child of this process's own v2 cgroup, which enforces the limits only when its
   * controllers can be delegated there.
   */
  cgroupRoot?: string;
  /**
   * Host user `uid:gid` that bubblewrap (and so every process of the sandbox) runs as when this process is
   * root; default `65534:65534`. Never root: a sandbox mapped to host root could read every root-only file it
   * can see. The workspace is handed to this user (recursive `lchown`) at `create`. Ignored when not root:
   * the sandbox then runs as the caller.
   */
  user?: string;
  /**
   * Host paths bound read-only into every bubblewrap sandbox at the same path, e.g. the directory of a tool an
   * executor starts inside the sandbox (`claudeCodeMounts()` of `@sessionhub/claude-code`). Missing paths
   * are refused at construction (`sandbox.invalid_mount`).
   */
  hostMounts?: string[];
  /**
   * Measure each command's CPU time, peak memory and bytes written (`ExecResult.resources`) through a tiny
   * Perl measurer (default true; without a host `perl` commands run unmeasured). See docs/sandboxes.md,
   * "Per-command resource use".
   */
  measureResources?: boolean;
}

/** Defaults when neither the provider nor `create` gives a value. */
export const DEFAULT_LIMITS: Required<Omit<SandboxLimits, 'cpus' | 'diskMb'>> = {
  memoryMb: 4096,
  pids: 1024,
  tmpMb: 1024,
};
export const DEFAULT_TIMEOUT_MS = 600_000;
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
