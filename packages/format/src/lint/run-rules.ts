/**
 * Runs the enabled rules over a {@link LintView} and turns their findings into diagnostics with the
 * configured severity and the rule's hint.
 */
import type { Diagnostic } from '../types.js';
import { type LintView, NO_WORDS } from './lint-view.js';
import { LINT_RULE_DEFINITIONS, type LintRuleId } from './registry.js';
import { lintableLines, vocabularyFinder } from './text.js';
import type { EffectiveSeverity } from './types.js';

/** Every rule's vocabulary, found in one pass per line. */
const findVocabulary = vocabularyFinder(LINT_RULE_DEFINITIONS.flatMap((r) => r.vocabulary ?? []));

/** Diagnostics of every enabled rule, in rule order (`sortDiagnostics` orders them by line and column). */
export function runRules(view: LintView, severities: ReadonlyMap<LintRuleId, EffectiveSeverity>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (severities.get('no-code-block') === 'off') {
    // With code blocks allowed, their lines are ordinary text for every other rule.
    for (const line of view.lines) line.inCodeBlock = false;
    delete view.lintable;
  }
  for (const line of lintableLines(view)) line.vocabulary = findVocabulary(line.lower) ?? NO_WORDS;
  for (const rule of LINT_RULE_DEFINITIONS) {
    const severity = severities.get(rule.id) ?? 'off';
    if (severity === 'off') continue;
    for (const f of rule.check(view)) {
      diagnostics.push({
        code: rule.id,
        severity,
        message: f.message,
        line: f.line,
        column: f.column,
        hint: f.hint ?? rule.hint,
      });
    }
  }
  return diagnostics;
}

/** Ordered by line, then column, in place; `Array.prototype.sort` is stable, so ties keep their order. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.length > 1 ? diagnostics.sort(byPosition) : diagnostics;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column;
}
