import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SandboxError } from '@sessionhub/core';

/** Where the workspace is mounted inside a bubblewrap sandbox. */
export const SANDBOX_WORKSPACE = '/workspace';
/** Where the host's `node` binary is mounted inside (on PATH), for commands. */
export const SANDBOX_NODE_DIR = '/opt/sessionhub/bin';
/** Where the runner's node (an exec-only copy of the host's) is mounted inside; not on PATH. */
export const SANDBOX_RUNNER_NODE = '/opt/sessionhub/runner/node';
/** Where the resident measurer's perl (an exec-only copy of the host's) is mounted inside; not on PATH. */
export const SANDBOX_METER_PERL = '/opt/sessionhub/meter/perl';
/** PATH inside a bubblewrap sandbox. */
export const SANDBOX_PATH = `${SANDBOX_NODE_DIR}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

/** Finds `bwrap`: the given path, else the first executable `bwrap` on PATH. */
export function findBwrap(explicit?: string): string | undefined {
  const candidates = explicit
    ? [explicit]
    : [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin'].map((dir) =>
        join(dir, 'bwrap'),
      );
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

const probed = new Map<string, string | undefined>();

/**
 * Checks once per binary that bubblewrap can actually build a sandbox here (user and network
 * namespaces may be disabled by the kernel or a container runtime). Returns `undefined` when it
 * works, else the reason.
 */
export function probeBwrap(bwrap: string, user?: HostUser): string | undefined {
  const key = `${bwrap}:${user ? `${user.uid}:${user.gid}` : ''}`;
  if (probed.has(key)) return probed.get(key);
  const result = spawnSync(
    bwrap,
    ['--unshare-all', '--unshare-user', '--die-with-parent', '--ro-bind', '/', '/', '--', 'true'],
    { encoding: 'utf8', timeout: 10_000, env: {}, ...(user ? { uid: user.uid, gid: user.gid } : {}) },
  );
  const reason =
    result.error !== undefined
      ? String(result.error.message)
      : result.status === 0
        ? undefined
        : `bwrap exited ${result.status}: ${result.stderr.trim()}`;
  probed.set(key, reason);
  return reason;
}

/** A host uid and gid. */
export interface HostUser {
  uid: number;
  gid: number;
}

/**
 * The host user a sandbox runs as: `undefined` (the caller) unless the caller is root, then `user` (`uid:gid`,
 * default `65534:65534`). Root is refused: that is the case this exists to avoid.
 */
export function sandboxHostUser(user?: string): HostUser | undefined {
  if ((process.getuid?.() ?? -1) !== 0) return undefined;
  const m = /^(\d+)(?::(\d+))?$/.exec(user ?? '65534:65534');
  const uid = Number(m?.[1] ?? Number.NaN);
  const gid = m?.[2] === undefined ? uid : Number(m[2]);
  if (!m || uid === 0 || gid === 0) {
    throw new SandboxError('sandbox.invalid_user', `user must be a numeric non-root uid:gid, got ${user}`);
  }
  return { uid, gid };
}

/** Inputs of {@link bwrapArgs}. */
export interface BwrapLayout {
  /** Canonical host path of the workspace. */
  workspace: string;
  /** Canonical host path of the node binary commands run (mounted on PATH). */
  nodeBinary: string;
  /** Canonical host path of the runner's node, mounted at {@link SANDBOX_RUNNER_NODE}. */
  runnerNode: string;
  network: boolean;
  tmpBytes: number;
  /** Canonical host path of the resident measurer's perl, mounted at {@link SANDBOX_METER_PERL}; none: unmeasured. */
  meterPerl?: string;
  /** Descriptor (in bwrap's own table) holding the seccomp program to load, when there is one. */
  seccompFd?: number;
  /**
   * Host directories bound read-only inside: `path` is where the sandbox sees it (the host path),
   * `source` where bwrap reads it (the same path, or a bind of it the sandbox user can reach).
   */
  hostMounts?: readonly { path: string; source: string }[];
}

/** Host directories bound read-only when present (merged-/usr systems have symlinks instead). */
const SYSTEM_DIRS = ['/usr', '/etc', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/**
 * The bubblewrap argv (without the command) of a sandbox: every namespace unshared (network too,
 * unless `network`), uid 65534 inside (mapped to the host user bwrap runs as, never host root: see
 * {@link sandboxHostUser}), the system read-only, a size-capped tmpfs on `/tmp` and `/dev/shm`, only the
 * workspace writable, a read-only root, a cleared environment, a seccomp filter (see `seccomp.ts`), and the
 * sandbox dies with its parent.
 */
export function bwrapArgs(layout: BwrapLayout): string[] {
  const args = ['--unshare-all', '--unshare-user', '--uid', '65534', '--gid', '65534'];
  if (layout.network) args.push('--share-net');
  args.push('--die-with-parent', '--new-session', '--clearenv');
  for (const dir of SYSTEM_DIRS) {
    if (existsSync(dir)) args.push('--ro-bind', dir, dir);
  }
  if (layout.seccompFd !== undefined) args.push('--seccomp', String(layout.seccompFd));
  const size = String(layout.tmpBytes);
  args.push(
    '--ro-bind',
    layout.nodeBinary,
    `${SANDBOX_NODE_DIR}/node`,
    '--ro-bind',
    layout.runnerNode,
    SANDBOX_RUNNER_NODE,
    ...(layout.meterPerl ? ['--ro-bind', layout.meterPerl, SANDBOX_METER_PERL] : []),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--perms',
    '1777',
    '--size',
    size,
    '--tmpfs',
    '/tmp',
    '--perms',
    '1777',
    '--size',
    size,
    '--tmpfs',
    '/dev/shm',
    '--bind',
    layout.workspace,
    SANDBOX_WORKSPACE,
  );
  // After the tmpfs mounts, so that a host directory under /tmp is not hidden by the sandbox's own /tmp.
  for (const { path, source } of layout.hostMounts ?? []) args.push('--ro-bind', source, path);
  args.push('--chdir', SANDBOX_WORKSPACE, '--remount-ro', '/');
  return args;
}
