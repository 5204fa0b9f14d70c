/**
 * What a lint rule is: one definition (id, severity, documentation, examples, check) from which the
 * catalogue {@link LINT_RULES}, the {@link LintRuleId} type and docs/lint-rules.md are derived.
 */
import type { LintView } from './lint-view.js';

/** Where a rule's examples are placed to make a whole instruction (tests and docs do the same). */
export type LintExampleContext = 'instruction' | 'requirements' | 'validation';

/** A finding before severity is applied. */
export interface LintFinding {
  line: number;
  column: number;
  message: string;
  /** Overrides the rule's default hint. */
  hint?: string;
}

/** A rule's check: every finding in one instruction. */
export type LintCheck = (view: LintView) => LintFinding[];

/** Everything documented about a rule: its definition without the check. */
export interface LintRuleDocs<Id extends string = string> {
  /** Stable id; also the `code` of every diagnostic the rule reports. */
  readonly id: Id;
  readonly defaultSeverity: 'warning' | 'error';
  /** A few words for the docs table: what the rule reports. */
  readonly summary: string;
  /** One or two sentences: what the rule reports and why. */
  readonly description: string;
  /** Default suggestion attached to the rule's diagnostics: what to write instead. */
  readonly hint: string;
  /**
   * Text the rule reports (`bad`) and text it accepts (`good`). `context` says where each goes: a
   * whole instruction, or a REQUIREMENTS / VALIDATION section body. The tests check every one.
   */
  readonly examples: {
    readonly context: LintExampleContext;
    readonly bad: readonly string[];
    readonly good: readonly string[];
  };
  /** Markdown bullets for the docs: what counts, what deliberately does not, known gaps. */
  readonly notes: readonly string[];
}

/** One lint rule, complete: everything the linter, its docs and its tests need to know about it. */
export interface LintRuleDefinition<Id extends string = string> extends LintRuleDocs<Id> {
  readonly check: LintCheck;
  /**
   * Lower-case words or symbols without one of which the rule's patterns cannot match a line. The
   * runner finds every rule's words in one pass over each line (`LintLine.vocabulary`), so a rule can
   * skip most lines with a set lookup instead of a scan of its own.
   */
  readonly vocabulary?: readonly string[];
}

/**
 * Declares a rule. The id is kept as a literal type, so the registry's list of definitions yields the
 * union of rule ids without a hand-written list.
 */
export function defineLintRule<const Id extends string>(rule: LintRuleDefinition<Id>): LintRuleDefinition<Id> {
  return Object.freeze(rule);
}
