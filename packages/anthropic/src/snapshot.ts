import type { Sandbox } from '@sessionhub/core';
import { isSkipped } from './tools/list-files.js';

/** Workspace files by path, with their size: enough to notice files a command created, deleted or resized. */
export type WorkspaceSnapshot = Map<string, number>;

/**
 * Lists the workspace (without .git and node_modules) through the sandbox. A failed listing gives an
 * empty snapshot: change detection is a best effort on top of the files the tools wrote themselves.
 */
export async function snapshot(sandbox: Sandbox, signal: AbortSignal): Promise<WorkspaceSnapshot | undefined> {
  try {
    const entries = await sandbox.list(undefined, { recursive: true, signal });
    return new Map(entries.filter((e) => e.type !== 'directory' && !isSkipped(e.path)).map((e) => [e.path, e.size]));
  } catch {
    return undefined;
  }
}

/** Paths added, removed or resized between two snapshots (none when either is missing). */
export function diffSnapshots(before: WorkspaceSnapshot | undefined, after: WorkspaceSnapshot | undefined): string[] {
  if (!before || !after) return [];
  const out: string[] = [];
  for (const [path, size] of after) if (before.get(path) !== size) out.push(path);
  for (const path of before.keys()) if (!after.has(path)) out.push(path);
  return out;
}
