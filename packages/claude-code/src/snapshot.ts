import type { Sandbox } from '@sessionhub/core';

/** Workspace files by path, with their size. */
export type WorkspaceSnapshot = Map<string, number>;

const SKIPPED = /(^|\/)(\.git|node_modules)(\/|$)/;

/**
 * Lists the workspace (without .git and node_modules) through the sandbox. A failed listing gives
 * `undefined`: change detection then rests on the files Claude Code's edit tools named.
 */
export async function snapshot(sandbox: Sandbox, signal: AbortSignal): Promise<WorkspaceSnapshot | undefined> {
  try {
    const entries = await sandbox.list(undefined, { recursive: true, signal });
    return new Map(entries.filter((e) => e.type !== 'directory' && !SKIPPED.test(e.path)).map((e) => [e.path, e.size]));
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
