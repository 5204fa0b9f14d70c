import { type ExecutorTool, optionalField } from './types.js';

/** Directories a recursive listing or search skips: dependencies and VCS data. */
export const SKIPPED_DIRS = ['.git', 'node_modules'];

/** Whether a workspace path lies inside a skipped directory. */
export function isSkipped(path: string): boolean {
  return path.split('/').some((part) => SKIPPED_DIRS.includes(part));
}

const MAX_ENTRIES = 1000;

/** `list_files`: entries of a directory, optionally recursive. */
export const listFilesTool: ExecutorTool = {
  definition: {
    name: 'list_files',
    description:
      'List files and directories of the workspace (default: its root). recursive lists the whole tree, ' +
      'skipping .git and node_modules.',
    input_schema: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Workspace-relative directory; default the root.' },
        recursive: { type: 'boolean', description: 'List the whole tree below path.' },
      },
    },
  },
  describe: (input) => `list_files ${String(input.path ?? '.')}${input.recursive ? ' (recursive)' : ''}`,
  async run(input, ctx) {
    const path = optionalField(input, 'path', 'string');
    const recursive = optionalField(input, 'recursive', 'boolean') ?? false;
    const entries = (await ctx.sandbox.list(path || undefined, { recursive, signal: ctx.signal })).filter(
      (e) => !recursive || !isSkipped(e.path),
    );
    if (entries.length === 0) return '(empty)';
    const lines = entries
      .slice(0, MAX_ENTRIES)
      .map((e) =>
        e.type === 'directory'
          ? `${e.path}/`
          : e.type === 'symlink'
            ? `${e.path} -> (symlink)`
            : `${e.path} (${e.size} bytes)`,
      );
    if (entries.length > MAX_ENTRIES) lines.push(`[... ${entries.length - MAX_ENTRIES} more entries not shown]`);
    return lines.join('\n');
  },
};
