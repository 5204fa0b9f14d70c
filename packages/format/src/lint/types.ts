/**
 * Public and internal types of the Two-Actor boundary linter.
 */
import type { Diagnostic, Instruction, ParseMode, ParseResult, SectionSpan, Severity } from '../types.js';

/** Stable ids of every lint rule; each is also the `code` of the diagnostics it reports. */
export type LintRuleId =
  | 'no-code-block'
  | 'no-heredoc'
  | 'no-file-contents'
  | 'no-diff-hunk'
  | 'foundation-version-mismatch'
  | 'missing-objectives'
  | 'missing-validation'
  | 'empty-section'
  | 'duplicate-section'
  | 'no-library-names'
  | 'no-file-paths'
  | 'no-shell-commands'
  | 'no-signatures'
  | 'no-sql'
  | 'uncheckable-validation';

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

/** Documentation of one rule, as listed in {@link LINT_RULES} and docs/lint-rules.md. */
export interface LintRuleInfo {
  id: LintRuleId;
  defaultSeverity: Exclude<LintRuleSetting, 'off'>;
  /** One sentence: what the rule reports and why. */
  description: string;
  /** Default suggestion attached to the rule's diagnostics: what to write instead. */
  hint: string;
  /** Lines the rule reports (`bad`) and lines it accepts (`good`); both are checked by the tests. */
  examples: { bad: readonly string[]; good: readonly string[] };
}

/** Anything a program can lint: a parsed instruction or its text. */
export type LintInput = Instruction | string;

/** @internal One line of the text being linted. */
export interface LintLine {
  /** 1-based line number in the original text. */
  number: number;
  /** The line without its line ending. */
  text: string;
  /** Canonical title of the section the line belongs to (heading or body), if any. */
  section?: string;
  /** Whether this line is a section heading (or the instruction header). */
  heading: boolean;
  /** Whether the line belongs to the instruction (a section span); prose around it is not linted. */
  inInstruction: boolean;
  /** Whether the line is part of a fenced or indented code block (fences included). */
  inCodeBlock: boolean;
  /** The text rules scan: section titles and list markers blanked out, columns unchanged. */
  scan: string;
}

/** @internal A fenced or indented code block. */
export interface CodeBlock {
  kind: 'fenced' | 'indented';
  /** First and last line (1-based, inclusive). */
  startLine: number;
  endLine: number;
  /** 1-based column where the block starts (the fence or the first non-blank character). */
  column: number;
}

/** @internal What every rule looks at. */
export interface LintDocument {
  lines: LintLine[];
  sections: SectionSpan[];
  codeBlocks: CodeBlock[];
  /** The parsed instruction, when the text could be read as one. */
  instruction?: Instruction;
  /** @internal Memo of {@link lintableLines}; filled on first use. */
  lintable?: LintLine[];
}

/** @internal A finding before severity is applied. */
export interface LintFinding {
  line: number;
  column: number;
  message: string;
  /** Overrides the rule's default hint. */
  hint?: string;
}

/** @internal A rule's check. */
export type LintCheck = (doc: LintDocument) => LintFinding[];

/** @internal The effective severity of a rule after options are applied. */
export type EffectiveSeverity = Extract<Severity, 'error' | 'warning'> | 'off';
