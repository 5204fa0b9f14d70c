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
  /** For each vocabulary word, the shapes (indices) that need it. */
  readonly byWord: ReadonlyMap<string, readonly number[]>;
  /** The shapes (indices) marked `codeName`. */
  readonly byCodeName: readonly number[];
  /** What a line that names something as code holds (no `g` flag); shapes marked `codeName` are tried on such lines too. */
  readonly codeName?: RegExp;
}

/** A rule's shapes, in the order ties are broken, and (when some are marked `codeName`) how a code name is recognised. */
export function shapeSet(shapes: readonly WordShape[], codeName?: RegExp): ShapeSet {
  const byWord = new Map<string, number[]>();
  shapes.forEach((shape, i) => {
    for (const w of shape.needs) {
      const list = byWord.get(w) ?? [];
      if (!list.includes(i)) list.push(i);
      byWord.set(w, list);
    }
  });
  const byCodeName = shapes.flatMap((shape, i) => (shape.codeName === true ? [i] : []));
  return codeName ? { shapes, byWord, byCodeName, codeName } : { shapes, byWord, byCodeName };
}

/** Where a shape matched in a line. */
export interface ShapeMatch {
  index: number;
  code: string;
  what: string;
}

/** One finding per lintable line where a shape of `set` matches, its message made by `describe`. */
export function shapeFindings(view: LintView, set: ShapeSet, describe: (found: ShapeMatch) => string): LintFinding[] {
  const findings: LintFinding[] = [];
  // Which shapes the current line lets through, by index (reset for each line that has any).
  const tried = new Uint8Array(set.shapes.length);
  for (const line of lintableLines(view)) {
    let any = false;
    if (set.codeName?.test(line.scan) === true) any = mark(tried, set.byCodeName, any);
    for (const w of line.vocabulary) {
      const shapes = set.byWord.get(w);
      if (shapes) any = mark(tried, shapes, any);
    }
    if (!any) continue;
    const found = firstShape(line.scan, set.shapes, tried);
    if (found) findings.push({ line: line.number, column: found.index + 1, message: describe(found) });
  }
  return findings;
}

/** Marks `shapes` as tried for this line; the first mark of a line clears the previous line's. */
function mark(tried: Uint8Array, shapes: readonly number[], any: boolean): boolean {
  if (shapes.length === 0) return any;
  if (!any) tried.fill(0);
  for (const i of shapes) tried[i] = 1;
  return true;
}

/**
 * The earliest match in one (masked) line of the shapes marked in `tried`: those with one of their words in the
 * line's vocabulary, and on a line naming something as code those marked `codeName`. Of two matches at one
 * offset, the earlier shape wins.
 */
function firstShape(text: string, shapes: readonly WordShape[], tried: Uint8Array): ShapeMatch | undefined {
  let best: ShapeMatch | undefined;
  for (let i = 0; i < shapes.length; i++) {
    const shape = shapes[i];
    if (tried[i] !== 1 || !shape) continue;
    const m = shape.re.exec(text);
    if (m && (best === undefined || m.index < best.index)) best = { index: m.index, code: m[0], what: shape.what };
  }
  return best;
}

/** The text of a match as a finding quotes it. */
export function quoted(found: ShapeMatch): string {
  return `"${found.code.slice(0, 60)}"`;
}
