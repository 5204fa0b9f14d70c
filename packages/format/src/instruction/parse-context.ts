/** What every stage of the instruction parser shares: the mode, the diagnostics, the section spans, text cleaning. */
import type { SectionSpan, Severity } from '../types.js';
import { DiagnosticCollector, type InstructionDiagnosticCode } from './diagnostics.js';
import { cleanText, type SourceLine } from './lines.js';

/** The state of one `parseInstruction` call, handed to each stage. */
export class ParseContext {
  readonly diagnostics = new DiagnosticCollector();
  /** The spans of the header and of every section, in document order. */
  readonly sections: SectionSpan[] = [];
  /** Quote character whose backslash escapes are undone in texts (inside `claude-code "..."`). */
  unescapeQuote: string | undefined;

  constructor(readonly strict: boolean) {}

  /** Error in strict mode, warning in lenient mode. */
  get strictError(): Severity {
    return this.strict ? 'error' : 'warning';
  }

  /** Adds a diagnostic at 0-based `index` of `line`. */
  report(
    code: InstructionDiagnosticCode,
    severity: Severity,
    message: string,
    line: SourceLine,
    index: number,
    hint?: string,
  ): void {
    this.diagnostics.add(code, severity, message, line.line, line.col0 + index + 1, hint);
  }

  /** Undoes `\\"` escapes inside a `claude-code "..."` wrapper and normalizes the text with `cleanText`. */
  clean(text: string): string {
    const q = this.unescapeQuote;
    return cleanText(q && text.includes('\\') ? text.replaceAll(`\\${q}`, q) : text);
  }
}
