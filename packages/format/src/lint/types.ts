/**
 * Public types of the Two-Actor boundary linter.
 */
import type { Diagnostic, Instruction, ParseMode, ParseResult, Severity } from '../types.js';
import type { LintRuleId } from './registry.js';
import type { LintRuleDocs } from './rule.js';

export type { LintRuleId } from './registry.js';

/** What a rule reports as: `off` disables it. */
export type LintRuleSetting = 'off' | 'warning' | 'error';

/** Options of {@link lintInstruction}. */
export interface LintOptions {
  /** Per-rule severity overrides; rules not named keep their default severity. */
  rules?: Partial<Record<LintRuleId, LintRuleSetting>>;
  /** How text input is parsed (default `lenient`). Ignored for an `Instruction` object. */
  mode?: ParseMode;
  /**
   * The result of `parseInstruction(text, { mode })` for this very text and mode, when the caller has
   * already parsed it: the linter then reads it instead of parsing the text a second time. It must not
   * have been changed since. Ignored for an `Instruction` object.
   */
  parsed?: ParseResult;
}

/** The answer of {@link lintInstruction}. */
export interface LintResult {
  /** Every finding, ordered by line then column. */
  diagnostics: Diagnostic[];
  /** `true` when no diagnostic has `error` severity. */
  ok: boolean;
}

/**
 * Documentation of one rule, as listed in {@link LINT_RULES} and docs/lint-rules.md (which is
 * generated from the same definitions).
 */
export type LintRuleInfo = LintRuleDocs<LintRuleId>;

/** Anything a program can lint: a parsed instruction or its text. */
export type LintInput = Instruction | string;

/** The effective severity of a rule after options are applied. */
export type EffectiveSeverity = Extract<Severity, 'error' | 'warning'> | 'off';
