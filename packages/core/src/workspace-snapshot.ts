import type { Sandbox } from './ports/sandbox.js';

/** Workspace files by path, with their size: enough to notice files a command created, deleted or resized. */
export type WorkspaceSnapshot = Map<string, number>;

/** Folders a snapshot leaves out: tool state, not work. */
const SKIPPED_DIRS = ['.git', 'node_modules'];

function isSkipped(path: string): boolean {
  return path.split('/').some((part) => SKIPPED_DIRS.includes(part));
}

/**
 * Lists the workspace (without `.git` and `node_modules`) through the sandbox, for executors that
 * report changed files. A failed listing gives `undefined`: change detection is then a best effort
 * resting on the files the executor's own tools wrote.
 */
export async function snapshotWorkspace(
  sandbox: Sandbox,
  opts: { signal?: AbortSignal } = {},
): Promise<WorkspaceSnapshot | undefined> {
  try {
    const entries = await sandbox.list(undefined, { recursive: true, signal: opts.signal });
    return new Map(entries.filter((e) => e.type !== 'directory' && !isSkipped(e.path)).map((e) => [e.path, e.size]));
  } catch {
    return undefined;
  }
}

/** Paths added, removed or resized between two snapshots (none when either is missing). */
export function diffWorkspaceSnapshots(
  before: WorkspaceSnapshot | undefined,
  after: WorkspaceSnapshot | undefined,
): string[] {
  if (!before || !after) return [];
  const out: string[] = [];
  for (const [path, size] of after) if (before.get(path) !== size) out.push(path);
  for (const path of before.keys()) if (!after.has(path)) out.push(path);
  return out;
}
