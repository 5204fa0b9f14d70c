/**
 * `missing-objectives`, `missing-validation`, `empty-section`, `duplicate-section`: the shape of the
 * instruction, read from the parser's section spans.
 */
import type { SectionSpan } from '../../types.js';
import { isBlank } from '../text.js';
import type { LintDocument, LintFinding } from '../types.js';

function hasSection(doc: LintDocument, title: string): boolean {
  return doc.sections.some((s) => s.title === title);
}

/** Where a "missing section" finding goes: the header line, or line 1. */
function headerPosition(doc: LintDocument): { line: number; column: number } {
  const header = doc.sections.find((s) => s.title === 'HEADER');
  return { line: header?.headingLine ?? 1, column: 1 };
}

/** Reports an instruction without an OBJECTIVES section. */
export function checkMissingObjectives(doc: LintDocument): LintFinding[] {
  if (hasSection(doc, 'OBJECTIVES')) return [];
  return [{ ...headerPosition(doc), message: 'The instruction has no OBJECTIVES section.' }];
}

/** Reports an instruction without a VALIDATION section. */
export function checkMissingValidation(doc: LintDocument): LintFinding[] {
  if (hasSection(doc, 'VALIDATION')) return [];
  return [{ ...headerPosition(doc), message: 'The instruction has no VALIDATION section.' }];
}

/** Text after the `TITLE:` of a heading line. */
function headingValue(line: string): string {
  const colon = line.indexOf(':');
  return colon === -1 ? '' : line.slice(colon + 1).trim();
}

function isEmpty(doc: LintDocument, span: SectionSpan): boolean {
  const heading = doc.lines[span.headingLine - 1]?.text ?? '';
  // `COMPLEXITY: moderate`, and a lenient `OBJECTIVES: one line`, carry their value on the heading.
  if (headingValue(heading) !== '') return false;
  for (let n = span.startLine; n <= span.endLine; n++) {
    if (n === span.headingLine) continue;
    if (!isBlank(doc.lines[n - 1]?.text ?? '')) return false;
  }
  return true;
}

/** Reports sections with a heading and nothing under it. */
export function checkEmptySections(doc: LintDocument): LintFinding[] {
  return doc.sections
    .filter((span) => span.title !== 'HEADER' && isEmpty(doc, span))
    .map((span) => ({
      line: span.headingLine,
      column: 1,
      message: `The ${span.title} section is empty.`,
    }));
}

/** Reports every repeat of a section title, at the repeated heading. */
export function checkDuplicateSections(doc: LintDocument): LintFinding[] {
  const first = new Map<string, number>();
  const findings: LintFinding[] = [];
  for (const span of doc.sections) {
    const seen = first.get(span.title);
    if (seen === undefined) {
      first.set(span.title, span.headingLine);
      continue;
    }
    findings.push({
      line: span.headingLine,
      column: 1,
      message: `The ${span.title} section appears again (first on line ${seen}).`,
    });
  }
  return findings;
}
