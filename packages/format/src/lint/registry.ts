/**
 * The rule registry: every definition exported by `rules/index.ts`, in documentation order (errors
 * first, then warnings, each by id), and what is derived from them: {@link LintRuleId} and
 * {@link LINT_RULES}.
 */
import type { LintRuleDefinition, LintRuleDocs } from './rule.js';
import * as definitions from './rules/index.js';

type Definition = (typeof definitions)[keyof typeof definitions];

/** Stable ids of every lint rule; each is also the `code` of the diagnostics it reports. */
export type LintRuleId = Definition['id'];

/** @internal Every rule definition, checks included, in documentation order. */
export const LINT_RULE_DEFINITIONS: readonly LintRuleDefinition<LintRuleId>[] = Object.values(definitions).sort(
  (a, b) =>
    (a.defaultSeverity === b.defaultSeverity ? 0 : a.defaultSeverity === 'error' ? -1 : 1) || a.id.localeCompare(b.id),
);

/**
 * Every lint rule's documentation (id, default severity, summary, description, hint, examples, notes),
 * in the order docs/lint-rules.md lists them. The tests check every example against its rule.
 */
export const LINT_RULES: readonly LintRuleDocs<LintRuleId>[] = LINT_RULE_DEFINITIONS.map(({ check: _check, ...docs }) =>
  Object.freeze(docs),
);
