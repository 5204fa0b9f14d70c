/** Diagnostic codes of the instruction parser and a collector that caps their number. */
import type { Diagnostic, Severity } from '../types.js';

/**
 * Every diagnostic code `parseInstruction` emits. Stable: tools may branch on them.
 * Documented with examples in docs/format.md.
 */
export const INSTRUCTION_DIAGNOSTIC_CODES = [
  'empty-input',
  'missing-header',
  'bad-version',
  'missing-name',
  'prose-before-header',
  'trailing-prose',
  'extra-header',
  'unterminated-fence',
  'unterminated-wrapper',
  'missing-section',
  'duplicate-section',
  'unknown-section',
  'empty-section',
  'item-outside-section',
  'empty-item',
  'nesting-too-deep',
  'bad-complexity',
  'duplicate-foundation-version',
  'version-mismatch',
  'non-canonical-whitespace',
  'non-canonical-wrapper',
  'non-canonical-header',
  'non-canonical-heading',
  'non-canonical-item',
  'section-order',
  'too-many-diagnostics',
  'internal-error',
] as const;

/** One of {@link INSTRUCTION_DIAGNOSTIC_CODES}. */
export type InstructionDiagnosticCode = (typeof INSTRUCTION_DIAGNOSTIC_CODES)[number];

/** At most this many diagnostics are kept; the rest are counted in one `too-many-diagnostics`. */
export const MAX_DIAGNOSTICS = 500;

/** Collects diagnostics, keeping the first {@link MAX_DIAGNOSTICS}. */
export class DiagnosticCollector {
  readonly list: Diagnostic[] = [];
  private dropped = 0;
  private errors = false;

  add(
    code: InstructionDiagnosticCode,
    severity: Severity,
    message: string,
    line: number,
    column: number,
    hint?: string,
  ): void {
    if (severity === 'error') this.errors = true;
    if (this.list.length >= MAX_DIAGNOSTICS) {
      this.dropped++;
      return;
    }
    const d: Diagnostic = { code, severity, message, line, column: Math.max(1, column) };
    if (hint !== undefined) d.hint = hint;
    this.list.push(d);
  }

  hasErrors(): boolean {
    return this.errors;
  }

  /** The diagnostics sorted by position (stable), with the overflow note last. */
  finish(): Diagnostic[] {
    const sorted = this.list
      .map((d, i) => ({ d, i }))
      .sort((a, b) => a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i)
      .map((x) => x.d);
    if (this.dropped > 0) {
      const last = sorted[sorted.length - 1];
      sorted.push({
        code: 'too-many-diagnostics',
        severity: 'info',
        message: `${this.dropped} more diagnostics were left out`,
        line: last?.line ?? 1,
        column: 1,
      });
    }
    return sorted;
  }
}
