/** Section helpers shared by the rules about the instruction's structure. */
import type { LintView } from './lint-view.js';

/** Whether the instruction has a section with this canonical title. */
export function hasSection(view: LintView, title: string): boolean {
  return view.sections.some((s) => s.title === title);
}

/** Where a "missing section" finding goes: the header line, or line 1. */
export function headerPosition(view: LintView): { line: number; column: number } {
  const header = view.sections.find((s) => s.title === 'HEADER');
  return { line: header?.headingLine ?? 1, column: 1 };
}
