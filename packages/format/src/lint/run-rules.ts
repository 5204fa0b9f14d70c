/**
 * Runs the enabled rules over a {@link LintDocument} and turns their findings into diagnostics with
 * the configured severity and the rule's hint.
 */
import type { Diagnostic } from '../types.js';
import { RULE_CHECKS } from './checks.js';
import { LINT_RULES } from './rules.js';
import type { EffectiveSeverity, LintDocument, LintOptions, LintRuleId } from './types.js';

const SETTINGS = new Set(['off', 'warning', 'error']);
const KNOWN_RULES = new Set<string>(LINT_RULES.map((r) => r.id));

/**
 * Problems with `options.rules`, as warnings: an unknown rule id or an unknown setting would otherwise
 * silently do nothing. A rule with an unknown setting keeps its default severity.
 */
export function optionDiagnostics(options: LintOptions): Diagnostic[] {
  if (options.rules === undefined) return [];
  const out: Diagnostic[] = [];
  for (const [id, setting] of Object.entries(options.rules ?? {})) {
    if (!KNOWN_RULES.has(id)) {
      out.push({
        code: 'unknown-lint-rule',
        severity: 'warning',
        message: `Unknown lint rule in options: ${JSON.stringify(id)}; it has no effect.`,
        line: 1,
        column: 1,
        hint: 'Use one of the ids in LINT_RULES.',
      });
    } else if (!SETTINGS.has(String(setting))) {
      out.push({
        code: 'invalid-lint-setting',
        severity: 'warning',
        message: `Lint rule ${id} has setting ${JSON.stringify(setting)}; its default is used.`,
        line: 1,
        column: 1,
        hint: "Use 'off', 'warning' or 'error'.",
      });
    }
  }
  return out;
}

/** The severity each rule reports with, after valid `options.rules` overrides. */
export function resolveSeverities(options: LintOptions): Map<LintRuleId, EffectiveSeverity> {
  const out = new Map<LintRuleId, EffectiveSeverity>();
  for (const rule of LINT_RULES) {
    const setting = options.rules?.[rule.id];
    out.set(rule.id, setting !== undefined && SETTINGS.has(setting) ? setting : rule.defaultSeverity);
  }
  return out;
}

/** Diagnostics of every enabled rule, ordered by line and column. */
export function lintDocument(doc: LintDocument, severities: Map<LintRuleId, EffectiveSeverity>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (severities.get('no-code-block') === 'off') {
    // With code blocks allowed, their lines are ordinary text for every other rule.
    for (const line of doc.lines) line.inCodeBlock = false;
    delete doc.lintable;
  }
  for (const rule of LINT_RULES) {
    const severity = severities.get(rule.id) ?? 'off';
    if (severity === 'off') continue;
    for (const f of RULE_CHECKS[rule.id](doc)) {
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
