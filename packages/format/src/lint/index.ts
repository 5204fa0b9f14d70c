/**
 * The Two-Actor boundary linter: `lintInstruction` and the documented rule catalogue `LINT_RULES`.
 * @module
 */
export { InvalidLintInputError } from './errors.js';
export { lintInstruction } from './lint.js';
export { LINT_RULES } from './rules.js';
export type { LintInput, LintOptions, LintResult, LintRuleId, LintRuleInfo, LintRuleSetting } from './types.js';
