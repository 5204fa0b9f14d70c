/**
 * Word-shape rules (`no-code-constructs`, `no-data-schema`, `no-directory-layout`): each rule lists the shapes of
 * wording it reports, and reports the earliest one on each lintable line. A shape is only tried on a line that
 * holds one of its vocabulary words, which keeps the rules cheap on plain English.
 */
import type { LintLine, LintView } from './lint-view.js';
import type { LintFinding } from './rule.js';
import { lintableLines } from './text.js';

/** One wording a rule reports. */
export interface WordShape {
  re: RegExp;
  /** What the finding calls it, e.g. "a named directory". */
  what: string;
  /** Lower-cased vocabulary words, one of which a line needs before `re` is tried. */
  needs: readonly string[];
}

/** Where a shape matched in a line. */
export interface ShapeMatch {
  index: number;
  code: string;
  what: string;
}

/** The earliest match of the shapes that `applies` lets through, in one (masked) line. */
export function firstShape<S extends WordShape>(
  text: string,
  shapes: readonly S[],
  applies: (shape: S) => boolean,
): ShapeMatch | undefined {
  let best: ShapeMatch | undefined;
  for (const shape of shapes) {
    if (!applies(shape)) continue;
    const m = shape.re.exec(text);
    if (m && (best === undefined || m.index < best.index)) best = { index: m.index, code: m[0], what: shape.what };
  }
  return best;
}

/** One finding per lintable line where `find` matches, its message made by `describe`. */
export function shapeFindings(
  view: LintView,
  find: (line: LintLine) => ShapeMatch | undefined,
  describe: (found: ShapeMatch) => string,
): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const line of lintableLines(view)) {
    const found = find(line);
    if (found) findings.push({ line: line.number, column: found.index + 1, message: describe(found) });
  }
  return findings;
}

/** The text of a match as a finding quotes it. */
export function quoted(found: ShapeMatch): string {
  return `"${found.code.slice(0, 60)}"`;
}
