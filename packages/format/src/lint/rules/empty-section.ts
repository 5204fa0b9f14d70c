/** `empty-section`: a section heading with nothing under it. */

import type { SectionSpan } from '../../types.js';
import { exampleInstruction } from '../example-instruction.js';
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { isBlank } from '../text.js';

/** Text after the `TITLE:` of a heading line. */
function headingValue(line: string): string {
  const colon = line.indexOf(':');
  return colon === -1 ? '' : line.slice(colon + 1).trim();
}

function isEmpty(view: LintView, span: SectionSpan): boolean {
  const heading = view.lines[span.headingLine - 1]?.text ?? '';
  // `COMPLEXITY: moderate`, and a lenient `OBJECTIVES: one line`, carry their value on the heading.
  if (headingValue(heading) !== '') return false;
  for (let n = span.startLine; n <= span.endLine; n++) {
    if (n === span.headingLine) continue;
    if (!isBlank(view.lines[n - 1]?.text ?? '')) return false;
  }
  return true;
}

/** Reports sections with a heading and nothing under it. */
function checkEmptySections(view: LintView): LintFinding[] {
  return view.sections
    .filter((span) => span.title !== 'HEADER' && isEmpty(view, span))
    .map((span) => ({
      line: span.headingLine,
      column: 1,
      message: `The ${span.title} section is empty.`,
    }));
}

/** `empty-section`: a section with nothing in it. */
export const emptySection = defineLintRule({
  id: 'empty-section',
  defaultSeverity: 'error',
  summary: 'a section with nothing in it',
  description: 'A section heading with nothing under it.',
  hint: 'Fill the section with at least one item, or remove the heading.',
  examples: {
    context: 'instruction',
    bad: [exampleInstruction({ requirements: [] })],
    good: [exampleInstruction({})],
  },
  notes: [
    "A section whose value sits on its heading (`COMPLEXITY: moderate`, `COMMIT: '...'`, a lenient `OBJECTIVES: one line`) is not empty. Replaces the parser's `empty-section` diagnostic.",
  ],
  check: checkEmptySections,
});
