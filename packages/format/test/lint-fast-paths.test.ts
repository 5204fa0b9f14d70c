/**
 * The linter skips most patterns on most lines with a cheap test first (a character class, a hash of a word, the
 * line's vocabulary). These cases sit at the edges of those tests, where the shortcut and the pattern could read a
 * line differently: whitespace other than spaces and tabs before a list marker or a path, characters whose lower
 * case is longer or is ASCII, a build file beside a path, signatures with only some of their characters. Each must
 * get exactly the findings the patterns alone give.
 */
import { describe, expect, it } from 'vitest';
import { lintInstruction } from '../src/lint/index.js';
import { buildInstruction } from './fixtures/lint/build.js';

/** REQUIREMENTS body → every finding as `rule line:column` (the body starts on line 5). */
const CASES: [name: string, requirements: string, findings: string[]][] = [
  ['a list marker after a no-break space', '\u00a0- Pin lodash@4.17 for the helpers', ['no-library-names 5:8']],
  ['a list marker after a vertical tab', '\v- Pin lodash@4.17 for the helpers', ['no-library-names 5:8']],
  [
    'a tab after a list marker, then an indented block',
    '-\tThe export works like this:\n\n\t\t\tconst rows = load();\n\t\t\tsave(rows);',
    ['no-code-block 7:4'],
  ],
  [
    'an indented block under a numbered item',
    '1. Totals are right:\n\n         total = sum(rows);\n         print(total)',
    ['no-code-block 7:10'],
  ],
  [
    'a build file without an extension beside a path',
    '- Add a Dockerfile next to src/server.ts.',
    ['no-file-paths 5:9', 'no-file-paths 5:28'],
  ],
  ['a file name ending a sentence', '- Keep the defaults in config.yaml.', ['no-file-paths 5:24']],
  ['a path after an ideographic space', '- Keep the defaults in\u3000src/defaults.ts', ['no-file-paths 5:24']],
  ['a slash between identifiers in backticks', '- Models live in `app/models` today', ['no-file-paths 5:19']],
  [
    'a Kelvin sign (lower case: an ASCII k) before a library word',
    '- Build the \u212Aoa server and the Koa server',
    ['no-library-names 5:32'],
  ],
  [
    'a dotted capital I (lower case: two characters) before library names',
    '- \u0130nstall lodash and use Prisma with React',
    ['no-library-names 5:11', 'no-library-names 5:26', 'no-library-names 5:38'],
  ],
  ['library names in capitals', '- Validate with ZOD and LODASH', ['no-library-names 5:17', 'no-library-names 5:25']],
  ['an arrow function without a declaration', '- Map rows with (row) => row.total', ['no-signatures 5:17']],
  ['a type declaration without parentheses', '- Add type Row = { id: string }', ['no-signatures 5:7']],
  ['plain English with every shortcut character', '- Totals (with tax) = the sum; see the <b> tag', []],
];

describe('shortcuts give the findings of the patterns alone', () => {
  it.each(CASES)('%s', (_name, requirements, findings) => {
    const { diagnostics } = lintInstruction(buildInstruction({ requirements }).text);
    expect(diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(findings);
  });
});
