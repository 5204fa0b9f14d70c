import { execFileSync } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SandboxError } from '@sessionhub/core';
import type { HostUser } from './bwrap.js';

/** Whether `user` may search (x) every ancestor directory of `path`. */
export function searchable(path: string, user: HostUser): boolean {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const st = statSync(dir);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return false;
    if (dir === '/') return true;
  }
}

/** A workspace path that bubblewrap, running as the sandbox user, can reach; `release` undoes what it took. */
export interface ReachableWorkspace {
  path: string;
  release(): void;
}

/**
 * The workspace as the unprivileged bwrap can name it. When the sandbox user can already search every ancestor,
 * that is the workspace itself; otherwise (e.g. under a 0700 `mkdtemp` directory) the workspace is bind-mounted
 * on the host under a root-owned 0711 directory, which exposes nothing but this one workspace, until bwrap has
 * bound it into its own mount namespace (the provider releases it as soon as the runner is ready). Only for a
 * root caller (who is the one who may mount).
 *
 * @throws {SandboxError} `sandbox.unavailable` when the bind mount fails.
 */
export function reachableWorkspace(workspace: string, user: HostUser, id: string): ReachableWorkspace {
  if (searchable(workspace, user)) return { path: workspace, release: () => undefined };
  const base = join(tmpdir(), 'sessionhub-workspaces-0');
  mkdirSync(base, { recursive: true, mode: 0o711 });
  if (statSync(base).uid !== 0) throw new SandboxError('sandbox.unavailable', `${base} is not owned by root`);
  const path = join(base, id);
  mkdirSync(path, { mode: 0o700 });
  try {
    // One mount(8) run: the bind, then its propagation made private (no later host mount spreads into it).
    execFileSync('mount', ['--bind', '--make-private', workspace, path], { stdio: 'pipe' });
  } catch (cause) {
    rmdirSync(path);
    throw new SandboxError('sandbox.unavailable', `cannot bind the workspace where the sandbox user reaches it`, {
      cause,
    });
  }
  return {
    path,
    release: () => {
      try {
        execFileSync('umount', ['-l', path], { stdio: 'pipe' });
        rmdirSync(path);
      } catch {
        // left for the next boot: an empty mount point costs nothing
      }
    },
  };
}
