import { posix } from 'node:path';
import { SandboxError } from '@sessionhub/core';

/**
 * The host-side first check of a workspace-relative path: refuses absolute paths and `..` that
 * leave the root before anything reaches the container. Symlinks are resolved by the runner.
 */
export function checkRelativePath(path: string, allowRoot: boolean): void {
  if (typeof path !== 'string' || path.includes('\0')) {
    throw new SandboxError('sandbox.invalid_path', 'path must be a string without NUL bytes');
  }
  if (posix.isAbsolute(path) || /^[a-zA-Z]:[\\/]/.test(path)) {
    throw new SandboxError('sandbox.path_escape', `absolute path refused: ${path}`);
  }
  let depth = 0;
  for (const part of path.split('/')) {
    if (part === '..') depth -= 1;
    else if (part !== '' && part !== '.') depth += 1;
    if (depth < 0) throw new SandboxError('sandbox.path_escape', `path leaves the workspace: ${path}`);
  }
  if (depth === 0 && !allowRoot && path.split('/').every((p) => p === '' || p === '.')) {
    throw new SandboxError('sandbox.invalid_path', 'path names the workspace root');
  }
}
