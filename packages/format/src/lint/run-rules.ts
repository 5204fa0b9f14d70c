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

/** Diagnostics of every enabled rule, ordered by line and column. */
export function runRules(view: LintView, severities: Map<LintRuleId, EffectiveSeverity>): Diagnostic[] {
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
  return sortDiagnostics(diagnostics);
}

/** Stable order by line, then column. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i)
    .map((x) => x.d);
}
