/** `duplicate-section`: a section title that appears twice. */

import { exampleInstruction } from '../example-instruction.js';
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';

/** Reports every repeat of a section title, at the repeated heading. */
function checkDuplicateSections(view: LintView): LintFinding[] {
  const first = new Map<string, number>();
  const findings: LintFinding[] = [];
  for (const span of view.sections) {
    const seen = first.get(span.title);
    if (seen === undefined) {
      first.set(span.title, span.headingLine);
      continue;
    }
    findings.push({
      line: span.headingLine,
      column: 1,
      message: `The ${span.title} section appears again (first on line ${seen}).`,
    });
  }
  return findings;
}

/** `duplicate-section`: a section that appears twice. */
export const duplicateSection = defineLintRule({
  id: 'duplicate-section',
  defaultSeverity: 'error',
  summary: 'a section that appears twice',
  description: 'The same section appears twice; readers and tools would see only one of them.',
  hint: 'Merge the items into the first section with that title.',
  examples: {
    context: 'instruction',
    bad: [exampleInstruction({ validation: ['- All tests pass', 'VALIDATION:', '- The report opens'] })],
    good: [exampleInstruction({ validation: ['- All tests pass', '- The report opens'] })],
  },
  notes: [
    "Reported at every repeated heading, naming the line of the first one. Replaces the parser's `duplicate-section` diagnostic.",
  ],
  check: checkDuplicateSections,
});
