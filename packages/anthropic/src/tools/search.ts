import { isSkipped } from './list-files.js';
import { type ExecutorTool, optionalField, stringField, ToolInputError } from './types.js';

const MAX_FILE_BYTES = 1_000_000;

/** `search`: text or regex search over the workspace's files, through the sandbox. */
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
    const isRegex = optionalField(input, 'regex', 'boolean') ?? false;
    const dir = optionalField(input, 'path', 'string');
    const caseSensitive = optionalField(input, 'case_sensitive', 'boolean') ?? true;
    const max = optionalField(input, 'max_results', 'number') ?? 100;
    let test: (line: string) => boolean;
    if (isRegex) {
      let re: RegExp;
      try {
        re = new RegExp(pattern, caseSensitive ? '' : 'i');
      } catch (err) {
        throw new ToolInputError(`invalid regular expression: ${(err as Error).message}`);
      }
      test = (line) => re.test(line);
    } else {
      const needle = caseSensitive ? pattern : pattern.toLowerCase();
      test = (line) => (caseSensitive ? line : line.toLowerCase()).includes(needle);
    }
    const files = (await ctx.sandbox.list(dir || undefined, { recursive: true, signal: ctx.signal })).filter(
      (e) => e.type === 'file' && e.size <= MAX_FILE_BYTES && !isSkipped(e.path),
    );
    const hits: string[] = [];
    for (const file of files) {
      const text = await ctx.sandbox.readFile(file.path, { signal: ctx.signal });
      if (text.includes('\u0000')) continue;
      const lines = text.split('\n');
      for (let i = 0; i < lines.length && hits.length < max; i++) {
        if (test(lines[i]!)) hits.push(`${file.path}:${i + 1}: ${lines[i]!.slice(0, 300)}`);
      }
      if (hits.length >= max) {
        hits.push(`[stopped at ${max} results]`);
        break;
      }
    }
    return hits.length ? hits.join('\n') : 'no matches';
  },
};
