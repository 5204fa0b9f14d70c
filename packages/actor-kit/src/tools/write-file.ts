import { type ExecutorTool, stringField } from './types.js';

/** `write_file`: creates or replaces a file (parent directories are created). */
export const writeFileTool: ExecutorTool = {
  definition: {
    name: 'write_file',
    description:
      'Create or overwrite a text file in the workspace with the given content. Parent directories are created.',
    input_schema: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Workspace-relative file path.' },
        content: { type: 'string', description: 'The complete new content of the file.' },
      },
      required: ['path', 'content'],
    },
  },
  describe: (input) => `write_file ${String(input.path)}`,
  async run(input, ctx) {
    const path = stringField(input, 'path');
    const content = stringField(input, 'content');
    await ctx.sandbox.writeFile(path, content, { signal: ctx.signal });
    ctx.changed(path);
    ctx.emit({
      kind: 'file_change',
      message: `wrote ${path}`,
      data: { path, action: 'write', bytes: Buffer.byteLength(content) },
    });
    return `wrote ${Buffer.byteLength(content)} bytes to ${path}`;
  },
};
