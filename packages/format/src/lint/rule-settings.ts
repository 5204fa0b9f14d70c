/**
 * `options.rules` read against the registry: the severity each rule reports with, and warnings for
 * settings that would otherwise silently do nothing.
 */
import type { Diagnostic } from '../types.js';
import { LINT_RULE_DEFINITIONS, type LintRuleId } from './registry.js';
import type { EffectiveSeverity, LintOptions } from './types.js';

const SETTINGS = new Set(['off', 'warning', 'error']);
const KNOWN_RULES = new Set<string>(LINT_RULE_DEFINITIONS.map((r) => r.id));

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

/** Every rule at its default severity: what a call without `options.rules` gets, built once. */
const DEFAULT_SEVERITIES: ReadonlyMap<LintRuleId, EffectiveSeverity> = severitiesFor(undefined);

/** The severity each rule reports with, after valid `options.rules` overrides. */
export function resolveSeverities(options: LintOptions): ReadonlyMap<LintRuleId, EffectiveSeverity> {
  return options.rules === undefined ? DEFAULT_SEVERITIES : severitiesFor(options.rules);
}

function severitiesFor(rules: LintOptions['rules']): Map<LintRuleId, EffectiveSeverity> {
  const out = new Map<LintRuleId, EffectiveSeverity>();
  for (const rule of LINT_RULE_DEFINITIONS) {
    const setting = rules?.[rule.id];
    out.set(rule.id, setting !== undefined && SETTINGS.has(setting) ? setting : rule.defaultSeverity);
  }
  return out;
}
