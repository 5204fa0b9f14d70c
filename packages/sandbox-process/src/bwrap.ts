import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where the workspace is mounted inside a bubblewrap sandbox. */
export const SANDBOX_WORKSPACE = '/workspace';
/** Where the host's `node` binary is mounted inside, so the runner (and commands) can use it. */
export const SANDBOX_NODE_DIR = '/opt/sessionhub/bin';
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
export function probeBwrap(bwrap: string): string | undefined {
  if (probed.has(bwrap)) return probed.get(bwrap);
  const result = spawnSync(
    bwrap,
    ['--unshare-all', '--unshare-user', '--die-with-parent', '--ro-bind', '/', '/', '--', 'true'],
    { encoding: 'utf8', timeout: 10_000, env: {} },
  );
  const reason =
    result.error !== undefined
      ? String(result.error.message)
      : result.status === 0
        ? undefined
        : `bwrap exited ${result.status}: ${result.stderr.trim()}`;
  probed.set(bwrap, reason);
  return reason;
}

/** Inputs of {@link bwrapArgs}. */
export interface BwrapLayout {
  /** Canonical host path of the workspace. */
  workspace: string;
  /** Canonical host path of the node binary. */
  nodeBinary: string;
  network: boolean;
  tmpBytes: number;
}

/** Host directories bound read-only when present (merged-/usr systems have symlinks instead). */
const SYSTEM_DIRS = ['/usr', '/etc', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** Host files hidden inside (bound over with /dev/null): commands run with host root's file access. */
const HIDDEN_FILES = ['/etc/shadow', '/etc/gshadow', '/etc/shadow-', '/etc/gshadow-'];

/**
 * The bubblewrap argv (without the command) of a sandbox: every namespace unshared (network too,
 * unless `network`), an unprivileged uid inside, the system read-only, a size-capped tmpfs on
 * `/tmp` and `/dev/shm`, only the workspace writable, a read-only root, a cleared environment, and
 * the sandbox dies with its parent.
 */
export function bwrapArgs(layout: BwrapLayout): string[] {
  const args = ['--unshare-all', '--unshare-user', '--uid', '65534', '--gid', '65534'];
  if (layout.network) args.push('--share-net');
  args.push('--die-with-parent', '--new-session', '--clearenv');
  for (const dir of SYSTEM_DIRS) {
    if (existsSync(dir)) args.push('--ro-bind', dir, dir);
  }
  for (const file of HIDDEN_FILES) {
    if (existsSync(file)) args.push('--ro-bind', '/dev/null', file);
  }
  const size = String(layout.tmpBytes);
  args.push(
    '--ro-bind',
    layout.nodeBinary,
    `${SANDBOX_NODE_DIR}/node`,
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
    '--chdir',
    SANDBOX_WORKSPACE,
    '--remount-ro',
    '/',
  );
  return args;
}
