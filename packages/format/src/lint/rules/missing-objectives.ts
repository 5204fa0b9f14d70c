/** `missing-objectives`: an instruction without an OBJECTIVES section. */

import { exampleInstruction } from '../example-instruction.js';
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { hasSection, headerPosition } from '../sections.js';

/** Reports an instruction without an OBJECTIVES section. */
function checkMissingObjectives(view: LintView): LintFinding[] {
  if (hasSection(view, 'OBJECTIVES')) return [];
  return [{ ...headerPosition(view), message: 'The instruction has no OBJECTIVES section.' }];
}

/** `missing-objectives`: no OBJECTIVES section. */
export const missingObjectives = defineLintRule({
  id: 'missing-objectives',
  defaultSeverity: 'error',
  summary: 'no OBJECTIVES section',
  description: 'The instruction has no OBJECTIVES section, so nothing says what the session must achieve.',
  hint: 'Add an OBJECTIVES section listing the outcomes the session must achieve.',
  examples: {
    context: 'instruction',
    bad: [exampleInstruction({ objectives: false })],
    good: [exampleInstruction({})],
  },
  notes: [
    "Reported at the header line (line 1 when there is no header). Replaces the parser's `missing-section` diagnostic for OBJECTIVES.",
  ],
  check: checkMissingObjectives,
});
