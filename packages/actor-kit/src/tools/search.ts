import { SKIPPED_DIRS } from './list-files.js';
import { SEARCH_SCRIPT } from './search-script.js';
import { type ExecutorTool, optionalField, stringField, ToolInputError } from './types.js';

const MAX_FILE_BYTES = 1_000_000;
const MAX_LINE_CHARS = 300;

/**
 * `search`: text or regex search over the workspace's files. It runs as a program inside the sandbox
 * (never on the host), bounded by the command timeout and stopped by cancellation.
 */
export const searchTool: ExecutorTool = {
  definition: {
    name: 'search',
    description:
      'Search the text files of the workspace for a literal string (or a JavaScript regular expression when ' +
      'regex is true). Returns path:line: text for each matching line. Skips .git, node_modules and large or binary files.',
    input_schema: {
      type: 'object',
      properties: {
        pattern: { type: 'string', description: 'Text or regular expression to find.' },
        regex: { type: 'boolean', description: 'Treat pattern as a regular expression.' },
        path: { type: 'string', description: 'Directory to search below; default the root.' },
        case_sensitive: { type: 'boolean', description: 'Default true.' },
        max_results: { type: 'integer', description: 'Default 100.' },
      },
      required: ['pattern'],
    },
  },
  describe: (input) => `search ${JSON.stringify(input.pattern)}${input.path ? ` in ${String(input.path)}` : ''}`,
  async run(input, ctx) {
    const pattern = stringField(input, 'pattern');
    const dir = optionalField(input, 'path', 'string') || '.';
    const max = Math.max(1, Math.min(optionalField(input, 'max_results', 'number') ?? 100, 1000));
    // Resolving the directory through the sandbox refuses a path that leaves the workspace.
    await ctx.sandbox.list(dir === '.' ? undefined : dir, { signal: ctx.signal });
    const args = {
      pattern,
      regex: optionalField(input, 'regex', 'boolean') ?? false,
      caseSensitive: optionalField(input, 'case_sensitive', 'boolean') ?? true,
      max,
      dir,
      maxFileBytes: MAX_FILE_BYTES,
      maxLineChars: MAX_LINE_CHARS,
      skip: SKIPPED_DIRS,
    };
    const result = await ctx.sandbox.exec(['node', '-e', SEARCH_SCRIPT, JSON.stringify(args)], {
      timeoutMs: ctx.commandTimeoutMs,
      signal: ctx.signal,
      maxOutputBytes: ctx.maxCommandOutputBytes,
    });
    if (result.timedOut) {
      throw new ToolInputError(
        `search stopped after the ${ctx.commandTimeoutMs} ms command timeout; use a simpler pattern or a narrower path`,
      );
    }
    if (result.exitCode === 2) throw new ToolInputError(`invalid regular expression: ${result.stderr.trim()}`);
    if (result.exitCode === 127)
      throw new ToolInputError('search needs node inside the sandbox; use run_command with grep');
    if (result.exitCode !== 0) throw new Error(`search failed (exit code ${result.exitCode}): ${result.stderr.trim()}`);
    return result.stdout;
  },
};
