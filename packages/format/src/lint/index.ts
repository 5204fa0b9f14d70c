/**
 * The Two-Actor boundary linter: `lintInstruction` and the documented rule catalogue `LINT_RULES`.
 * @module
 */
export { InvalidLintInputError } from './errors.js';
export { lintInstruction } from './lint-instruction.js';
export { LINT_RULES } from './registry.js';
export type { LintExampleContext, LintRuleDocs } from './rule.js';
export type { LintInput, LintOptions, LintResult, LintRuleId, LintRuleInfo, LintRuleSetting } from './types.js';
