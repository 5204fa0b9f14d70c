import { realpathSync, statSync } from 'node:fs';
import { SandboxError } from '../errors.js';

/**
 * Resolves and checks a sandbox's workspace directory: it must exist and be a directory; symlinks are resolved
 * so that every later containment check compares real paths. Synchronous on purpose (two syscalls): on a pooled
 * acquire every thread-pool round trip shows in the latency.
 *
 * @throws {SandboxError} `sandbox.invalid_workspace` when it is missing or not a directory.
 */
export function resolveWorkspaceDir(workspace: string): string {
  try {
    const real = realpathSync(workspace);
    if (!statSync(real).isDirectory()) throw new Error('not a directory');
    return real;
  } catch (cause) {
    throw new SandboxError('sandbox.invalid_workspace', `workspace ${workspace} is not a directory`, { cause });
  }
}
