/** The lines stage: what each line of the instruction body is (blank, rule, code block, header, item, heading, text). */
import { findFenceClosers } from './fences.js';
import { matchHeader } from './header.js';
import { type HeadingMatch, type ItemMatch, isRule, matchHeading, matchItem } from './headings.js';
import { measureIndent, type SourceLine } from './lines.js';
import type { ParseContext } from './parse-context.js';

/** What one line of the instruction body is. Lines inside a closed code block are `blank`. */
export type LineClass =
  | { t: 'blank' }
  | { t: 'rule' }
  | { t: 'fence'; close: number }
  | { t: 'unclosed-fence' }
  | { t: 'header' }
  | { t: 'item'; m: ItemMatch; indent: number; index: number }
  | { t: 'heading'; h: HeadingMatch; indent: number; index: number }
  | { t: 'text'; indent: number; index: number };

/** Classifies every body line in one pass; a code block's lines are skipped as one. */
export function classifyLines(body: SourceLine[], mayHaveFences: boolean): LineClass[] {
  const closers = findFenceClosers(body, mayHaveFences);
  const out: LineClass[] = new Array(body.length);
  for (let k = 0; k < body.length; k++) {
    const text = body[k]!.text;
    const { width, index } = measureIndent(text);
    if (index === text.length) {
      out[k] = { t: 'blank' };
      continue;
    }
    const close = closers[k]!;
    if (close >= 0) {
      out[k] = { t: 'fence', close };
      for (let j = k + 1; j <= close; j++) out[j] = { t: 'blank' };
      k = close;
      continue;
    }
    if (close === -1) {
      out[k] = { t: 'unclosed-fence' };
      continue;
    }
    if (width <= 3) {
      const h = matchHeader(text);
      if (h?.ok) {
        out[k] = { t: 'header' };
        continue;
      }
    }
    const m = matchItem(text, index);
    if (m) {
      out[k] = { t: 'item', m, indent: width, index };
      continue;
    }
    if (isRule(text, index)) {
      out[k] = { t: 'rule' };
      continue;
    }
    if (width <= 3) {
      const h = matchHeading(text, index);
      if (h) {
        out[k] = { t: 'heading', h, indent: width, index };
        continue;
      }
    }
    out[k] = { t: 'text', indent: width, index };
  }
  return out;
}

/** Where the instruction's body ends, and its last section heading. */
export interface BodyExtent {
  /** Index of the first line after the body: a second instruction header, or the body's length. */
  end: number;
  /** Index of the last section heading before `end`, -1 when there is none. */
  lastHeading: number;
}

/** Finds the body's end at a second instruction header (reported: only the first instruction is read). */
export function findBodyExtent(ctx: ParseContext, body: SourceLine[], classes: LineClass[]): BodyExtent {
  let lastHeading = -1;
  for (let k = 0; k < classes.length; k++) {
    const c = classes[k]!;
    if (c.t === 'header') {
      const l = body[k]!;
      if (ctx.strict)
        ctx.report(
          'non-canonical-wrapper',
          'error',
          'A second instruction header',
          l,
          0,
          'Write one instruction per text',
        );
      else ctx.report('extra-header', 'info', 'A second instruction header: only the first instruction is read', l, 0);
      return { end: k, lastHeading };
    }
    if (c.t === 'heading') lastHeading = k;
  }
  return { end: classes.length, lastHeading };
}
