import { type ExecutorTool, optionalField, stringField } from './types.js';

/** `read_file`: a file's text, optionally a range of lines. */
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
    const text = await ctx.sandbox.readFile(path, { signal: ctx.signal });
    if (offset === undefined && limit === undefined) return text;
    const lines = text.split('\n');
    const start = Math.max(1, offset ?? 1);
    const slice = lines.slice(start - 1, limit === undefined ? undefined : start - 1 + limit);
    return `[lines ${start}-${start + slice.length - 1} of ${lines.length}]\n${slice.join('\n')}`;
  },
};
