/** `no-code-block`: fenced or indented code blocks, found by Markdown structure (the lint view marks them). */
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';

/** Reports each fenced or indented code block once, at its first line. */
function checkCodeBlocks(view: LintView): LintFinding[] {
  return view.codeBlocks.map((block) => ({
    line: block.startLine,
    column: block.column,
    message:
      block.kind === 'fenced'
        ? `Fenced code block (lines ${block.startLine}-${block.endLine}): the planner writes no code.`
        : `Indented code block (lines ${block.startLine}-${block.endLine}): the planner writes no code.`,
  }));
}

/** `no-code-block`: fenced or indented code blocks. */
export const noCodeBlock = defineLintRule({
  id: 'no-code-block',
  defaultSeverity: 'error',
  summary: 'fenced or indented code blocks',
  description:
    'A fenced (three or more backticks or tildes) or indented code block. The planner writes no code: a block of it is an implementation handed to the executor.',
  hint: 'Describe the behaviour the code should produce and how to check it; the executor writes the code.',
  examples: {
    context: 'requirements',
    bad: [
      '- Add a total helper:\n\n```ts\nexport const total = (xs) => xs.length;\n```',
      '- Store each session like this:\n\n      { "id": 1, "state": "created" }',
    ],
    good: [
      '- Sessions survive a restart of the service.',
      '- The export keeps the order of the rows:\n  newest first, then by name.',
    ],
  },
  notes: [
    'Indented code is measured from the text of the enclosing list item (or from the margin outside lists), so nested bullets and wrapped item text are never code. A block must follow a blank line, a heading or a line ending in `:`.',
    'An indented block whose every line reads as an English sentence (starts with a letter, at least three words, no code punctuation, not a command) is treated as an indented paragraph, not code.',
    'A fence that wraps the whole instruction (outside every section) is not reported: the parser unwraps it.',
    'An unclosed fence runs to the next section heading, as the parser reads it (the parser warns `unterminated-fence`).',
    'The block is reported once, at its first line; the other rules skip its lines. With this rule `off`, those lines are linted like any other.',
  ],
  check: checkCodeBlocks,
});
