/**
 * Word-shape rules (`no-code-constructs`, `no-data-schema`, `no-directory-layout`): each rule lists the shapes of
 * wording it reports, and reports the earliest one on each lintable line. A shape is only tried on a line that
 * holds one of its vocabulary words, which keeps the rules cheap on plain English: a line holding none of a rule's
 * words is passed over with a few set lookups.
 */
import type { LintView } from './lint-view.js';
import type { LintFinding } from './rule.js';
import { lintableLines } from './text.js';

/** One wording a rule reports. */
export interface WordShape {
  re: RegExp;
  /** What the finding calls it, e.g. "a named directory". */
  what: string;
  /** Lower-cased vocabulary words, one of which a line needs before `re` is tried. */
  needs: readonly string[];
  /** Also tried on a line that names something as code (see {@link ShapeSet.codeName}), whatever its words. */
  codeName?: true;
}

/** A rule's shapes, with what a line needs before any of them is tried. */
export interface ShapeSet {
  readonly shapes: readonly WordShape[];
  /** Every shape's `needs`. */
  readonly words: ReadonlySet<string>;
  /** What a line that names something as code holds; shapes marked `codeName` are tried on such lines too. */
  readonly codeName?: RegExp;
}

/** A rule's shapes, in the order ties are broken, and (when some are marked `codeName`) how a code name is recognised. */
export function shapeSet(shapes: readonly WordShape[], codeName?: RegExp): ShapeSet {
  const words = new Set(shapes.flatMap((s) => s.needs));
  return codeName ? { shapes, words, codeName } : { shapes, words };
}

/** Where a shape matched in a line. */
export interface ShapeMatch {
  index: number;
  code: string;
  what: string;
}

/**
 * The earliest match in one (masked) line of the shapes the line lets through: those with one of their words in
 * `vocabulary`, and with `codeName` those marked so. Of two matches at one offset, the earlier shape wins.
 */
export function firstShape(
  text: string,
  shapes: readonly WordShape[],
  vocabulary: ReadonlySet<string>,
  codeName: boolean,
): ShapeMatch | undefined {
  let best: ShapeMatch | undefined;
  for (const shape of shapes) {
    if (!(codeName && shape.codeName === true) && !holdsAny(vocabulary, shape.needs)) continue;
    const m = shape.re.exec(text);
    if (m && (best === undefined || m.index < best.index)) best = { index: m.index, code: m[0], what: shape.what };
  }
  return best;
}

/** One finding per lintable line where a shape of `set` matches, its message made by `describe`. */
export function shapeFindings(view: LintView, set: ShapeSet, describe: (found: ShapeMatch) => string): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const line of lintableLines(view)) {
    const codeName = set.codeName?.test(line.scan) === true;
    if (!codeName && !anyOf(line.vocabulary, set.words)) continue;
    const found = firstShape(line.scan, set.shapes, line.vocabulary, codeName);
    if (found) findings.push({ line: line.number, column: found.index + 1, message: describe(found) });
  }
  return findings;
}

/** Whether `vocabulary` holds one of `words` (a list). */
function holdsAny(vocabulary: ReadonlySet<string>, words: readonly string[]): boolean {
  for (const w of words) if (vocabulary.has(w)) return true;
  return false;
}

/** Whether `vocabulary` (a line's few words) holds one of `words` (a rule's many). */
function anyOf(vocabulary: ReadonlySet<string>, words: ReadonlySet<string>): boolean {
  if (vocabulary.size === 0) return false;
  for (const w of vocabulary) if (words.has(w)) return true;
  return false;
}

/** The text of a match as a finding quotes it. */
export function quoted(found: ShapeMatch): string {
  return `"${found.code.slice(0, 60)}"`;
}
