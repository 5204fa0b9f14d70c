/**
 * The linter's entry point, `lintInstruction`: checks that a session instruction respects the Two-Actor boundary (the planner
 * writes what, never how) and has the structure the engine needs.
 */
import { formatInstruction } from '../instruction/format.js';
import { parseInstruction } from '../instruction/parse.js';
import type { Diagnostic, Instruction, ParseResult } from '../types.js';
import { InvalidLintInputError } from './errors.js';
import { buildLintView } from './lint-view.js';
import type { LintRuleId } from './registry.js';
import { optionDiagnostics, resolveSeverities } from './rule-settings.js';
import { runRules, sortDiagnostics } from './run-rules.js';
import type { LintOptions, LintResult } from './types.js';

/**
 * Lints a session instruction.
 *
 * - Text is parsed (lenient unless `options.mode` is `strict`); the parser's error diagnostics are
 *   included, and every finding is positioned (1-based line and column) on the original text.
 * - An {@link Instruction} object is linted as its canonical text, `formatInstruction(instruction)`,
 *   so positions refer to that text.
 * - `options.parsed` (the caller's own `parseInstruction(text, { mode })` result) skips the parse.
 *
 * Each diagnostic's `code` is the id of the rule that reported it (see {@link LINT_RULES} and
 * docs/lint-rules.md); `ok` is `true` when no diagnostic has `error` severity. Unknown rule ids or
 * settings in `options.rules` give an `unknown-lint-rule` / `invalid-lint-setting` warning.
 *
 * @throws {InvalidLintInputError} when `input` is neither a string nor an object `formatInstruction` can write.
 *
 * @example
 * const { ok, diagnostics } = lintInstruction(text, { rules: { 'no-file-paths': 'off' } });
 */
export function lintInstruction(input: Instruction | string, options: LintOptions = {}): LintResult {
  const severities = resolveSeverities(options);
  const fromText = typeof input === 'string';
  const text = fromText ? input : canonicalText(input);
  const mode = fromText ? (options.mode ?? 'lenient') : 'lenient';
  // A caller that parsed the text already (the engine does) saves the linter a second parse.
  const parsed = (fromText ? options.parsed : undefined) ?? parseInstruction(text, { mode });
  // A strict parse with errors returns no instruction; rules that need one read a lenient parse.
  const instruction: Instruction | undefined = fromText
    ? (parsed.instruction ?? (mode === 'strict' ? parseInstruction(text, { mode: 'lenient' }).instruction : undefined))
    : input;

  const view = buildLintView(text, parsed.sections, instruction);
  const all = parserDiagnostics(parsed);
  for (const d of runRules(view, severities)) all.push(d);
  for (const d of optionDiagnostics(options)) all.push(d);
  sortDiagnostics(all);
  return { diagnostics: all, ok: !all.some((d) => d.severity === 'error') };
}

/** The canonical text of an Instruction object; anything else is a caller's mistake, reported as such. */
function canonicalText(input: unknown): string {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidLintInputError(
      `lintInstruction expects instruction text or an Instruction, got ${input === null ? 'null' : typeof input}`,
    );
  }
  try {
    return formatInstruction(input as Instruction);
  } catch (cause) {
    throw new InvalidLintInputError('lintInstruction could not write the Instruction object as text', { cause });
  }
}

/** Parser codes that one of the lint rules reports itself (and so are governed by that rule's setting). */
const COVERED_BY_RULE: Readonly<Record<string, LintRuleId>> = {
  'empty-section': 'empty-section',
  'duplicate-section': 'duplicate-section',
  'version-mismatch': 'foundation-version-mismatch',
};

/**
 * The parser's error diagnostics, minus those a lint rule reports in its own words: the rule's
 * setting (including `off`) is what the caller asked for.
 */
function parserDiagnostics(parsed: ParseResult): Diagnostic[] {
  return parsed.diagnostics.filter((d) => {
    if (d.severity !== 'error') return false;
    if (COVERED_BY_RULE[d.code]) return false;
    if (d.code === 'missing-section') {
      if (/\bOBJECTIVES\b/.test(d.message)) return false;
      if (/\bVALIDATION\b/.test(d.message)) return false;
    }
    return true;
  });
}
