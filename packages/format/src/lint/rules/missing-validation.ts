/** `missing-validation`: an instruction without a VALIDATION section. */

import { exampleInstruction } from '../example-instruction.js';
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { hasSection, headerPosition } from '../sections.js';

/** Reports an instruction without a VALIDATION section. */
function checkMissingValidation(view: LintView): LintFinding[] {
  if (hasSection(view, 'VALIDATION')) return [];
  return [{ ...headerPosition(view), message: 'The instruction has no VALIDATION section.' }];
}

/** `missing-validation`: no VALIDATION section. */
export const missingValidation = defineLintRule({
  id: 'missing-validation',
  defaultSeverity: 'error',
  summary: 'no VALIDATION section',
  description: 'The instruction has no VALIDATION section, so the verifier has nothing to check.',
  hint: 'Add a VALIDATION section with observable checks (tests that pass, what a user sees, numbers to meet).',
  examples: {
    context: 'instruction',
    bad: [exampleInstruction({ validation: false })],
    good: [exampleInstruction({})],
  },
  notes: [
    "SUCCESS CRITERIA does not stand in for VALIDATION. Reported at the header line. Replaces the parser's `missing-section` diagnostic for VALIDATION.",
  ],
  check: checkMissingValidation,
});
