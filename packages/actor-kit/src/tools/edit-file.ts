import { type ExecutorTool, optionalField, stringField, ToolInputError } from './types.js';

/** Counts non-overlapping occurrences. */
function occurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** `edit_file`: exact-match replacement; a missing or ambiguous match is an error the model can fix. */
export const editFileTool: ExecutorTool = {
  definition: {
    name: 'edit_file',
    description:
      'Replace an exact piece of text in a file. old_text must match the file exactly (whitespace included) ' +
      'and exactly once, unless replace_all is true. Include enough surrounding lines to make it unique.',
    input_schema: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Workspace-relative file path.' },
        old_text: { type: 'string', description: 'The exact text to replace.' },
        new_text: { type: 'string', description: 'The replacement text.' },
        replace_all: { type: 'boolean', description: 'Replace every occurrence instead of exactly one.' },
      },
      required: ['path', 'old_text', 'new_text'],
    },
  },
  describe: (input) => `edit_file ${String(input.path)}`,
  async run(input, ctx) {
    const path = stringField(input, 'path');
    const oldText = stringField(input, 'old_text');
    const newText = stringField(input, 'new_text');
    const all = optionalField(input, 'replace_all', 'boolean') ?? false;
    if (oldText.length === 0) throw new ToolInputError('old_text must not be empty; use write_file to create a file');
    const text = await ctx.sandbox.readFile(path, { signal: ctx.signal });
    const count = occurrences(text, oldText);
    if (count === 0) {
      throw new ToolInputError(`old_text was not found in ${path}; read the file and copy the text exactly`);
    }
    if (count > 1 && !all) {
      throw new ToolInputError(
        `old_text matches ${count} places in ${path}; include more surrounding text to make it unique, or set replace_all`,
      );
    }
    const next = all ? text.split(oldText).join(newText) : text.replace(oldText, () => newText);
    await ctx.sandbox.writeFile(path, next, { signal: ctx.signal });
    ctx.changed(path);
    ctx.emit({
      kind: 'file_change',
      message: `edited ${path}`,
      data: { path, action: 'edit', replacements: all ? count : 1 },
    });
    return `replaced ${all ? count : 1} occurrence(s) in ${path}`;
  },
};
