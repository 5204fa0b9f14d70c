import { type ExecutorTool, optionalField, stringField, type ToolContext, ToolInputError } from './types.js';

/**
 * The size of a workspace file (`undefined` when absent or not a file): one lookup through `Sandbox.stat`, which
 * follows symlinks as `readFile` does; a sandbox without it lists the file's directory (one lookup per sibling).
 */
async function sizeOf(path: string, ctx: ToolContext): Promise<number | undefined> {
  if (ctx.sandbox.stat) {
    const entry = await ctx.sandbox.stat(path, { signal: ctx.signal });
    return entry.type === 'file' ? entry.size : undefined;
  }
  const parts = path.split('/').filter((p) => p && p !== '.');
  const dir = parts.slice(0, -1).join('/');
  const name = parts.join('/');
  const entries = await ctx.sandbox.list(dir || undefined, { signal: ctx.signal });
  return entries.find((e) => e.path === name && e.type === 'file')?.size;
}

/**
 * A workspace file's text when it is at most `maxReadFileBytes` long, else its size (the file not read): one
 * lookup through `Sandbox.readFileCapped`; a sandbox without it is asked the size first ({@link sizeOf}), then
 * for the text.
 */
async function readCapped(path: string, ctx: ToolContext): Promise<{ size?: number; text?: string }> {
  if (ctx.sandbox.readFileCapped) return ctx.sandbox.readFileCapped(path, ctx.maxReadFileBytes, { signal: ctx.signal });
  const size = await sizeOf(path, ctx).catch(() => undefined);
  if (size !== undefined && size > ctx.maxReadFileBytes) return { size };
  return { size, text: await ctx.sandbox.readFile(path, { signal: ctx.signal }) };
}

/**
 * `read_file`: a file's text, optionally a range of lines. A file above `maxReadFileBytes` is never
 * read whole: a line range of it is cut inside the sandbox (`sed`), so the host holds only that range.
 */
export const readFileTool: ExecutorTool = {
  definition: {
    name: 'read_file',
    description:
      'Read a text file of the workspace. Paths are relative to the workspace root. ' +
      'Use offset (1-based first line) and limit (number of lines) for large files.',
    input_schema: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Workspace-relative file path.' },
        offset: { type: 'integer', description: 'First line to return, 1-based.' },
        limit: { type: 'integer', description: 'How many lines to return.' },
      },
      required: ['path'],
    },
  },
  describe: (input) => `read_file ${String(input.path)}`,
  async run(input, ctx) {
    const path = stringField(input, 'path');
    const offset = optionalField(input, 'offset', 'number');
    const limit = optionalField(input, 'limit', 'number');
    const { size, text } = await readCapped(path, ctx);
    if (text === undefined) {
      if (limit === undefined) {
        throw new ToolInputError(
          `${path} is ${size} bytes, above the ${ctx.maxReadFileBytes}-byte read limit; read a range of lines with offset and limit, or use search`,
        );
      }
      const start = Math.max(1, Math.floor(offset ?? 1));
      const end = start + Math.max(1, Math.floor(limit)) - 1;
      const result = await ctx.sandbox.exec(['sed', '-n', `${start},${end}p`, path], {
        timeoutMs: ctx.commandTimeoutMs,
        signal: ctx.signal,
        maxOutputBytes: ctx.maxCommandOutputBytes,
      });
      if (result.exitCode !== 0) throw new Error(`reading lines of ${path} failed: ${result.stderr.trim()}`);
      return `[lines ${start}-${end} of a ${size}-byte file]\n${result.stdout}`;
    }
    if (text === '') return `(${path} is empty)`;
    if (offset === undefined && limit === undefined) return text;
    const lines = text.split('\n');
    const start = Math.max(1, offset ?? 1);
    const slice = lines.slice(start - 1, limit === undefined ? undefined : start - 1 + limit);
    return `[lines ${start}-${start + slice.length - 1} of ${lines.length}]\n${slice.join('\n')}`;
  },
};
