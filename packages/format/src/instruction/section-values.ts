/** The items stage for the one-value sections: `COMPLEXITY: moderate` and `COMMIT: 'message'`. */
import type { Complexity } from '../types.js';
import type { SourceLine } from './lines.js';
import type { OpenSection, SectionValue } from './open-section.js';
import type { ParseContext } from './parse-context.js';

const COMPLEXITIES: readonly Complexity[] = ['simple', 'moderate', 'complex', 'epic'];

/** What a value section gave: a complexity, a commit message, or nothing readable (reported). */
export type SectionValueResult = { complexity: Complexity } | { commitMessage: string } | undefined;

/**
 * A line in a COMPLEXITY or COMMIT section: its value when it has none yet; else text that is ignored,
 * reported where it starts a new paragraph (`continues` is false).
 */
export function addValueLine(
  ctx: ParseContext,
  sec: OpenSection,
  text: string,
  line: SourceLine,
  index: number,
  continues: boolean,
): void {
  if (!sec.value && text) {
    sec.value = { text, line, column: index + 1, viaBody: true };
    sec.contentCount++;
  } else if (text && !continues) {
    ctx.report(
      'item-outside-section',
      ctx.strictError,
      `Text after the ${sec.key} value is ignored`,
      line,
      index,
      'Put it under a section such as NOTES:',
    );
  }
}

/** Reads the value of a closed COMPLEXITY or COMMIT section, reporting a missing or unreadable one. */
export function readSectionValue(ctx: ParseContext, sec: OpenSection): SectionValueResult {
  const v = sec.value;
  if (!v) {
    ctx.report('empty-section', 'warning', `${sec.key} has no value`, sec.headingLine, sec.headingColumn - 1);
    return undefined;
  }
  if (ctx.strict && v.viaBody) {
    ctx.report(
      'non-canonical-heading',
      'error',
      `${sec.key} value on its own line`,
      v.line,
      v.column - 1,
      `Write \`${sec.key}: value\` on one line`,
    );
  }
  return sec.known === 'COMPLEXITY' ? readComplexity(ctx, v) : readCommitMessage(ctx, v);
}

function readComplexity(ctx: ParseContext, v: SectionValue): SectionValueResult {
  const word = /^[*_`'"]*([A-Za-z]+)/.exec(v.text)?.[1]?.toLowerCase();
  const found = COMPLEXITIES.find((x) => x === word);
  if (!found) {
    ctx.report(
      'bad-complexity',
      ctx.strictError,
      `Unknown complexity ${JSON.stringify(v.text.slice(0, 40))}`,
      v.line,
      v.column - 1,
      `One of ${COMPLEXITIES.join(', ')}`,
    );
    return undefined;
  }
  if (ctx.strict && !v.viaBody && v.text !== found) {
    ctx.report(
      'non-canonical-heading',
      'error',
      'Complexity is not canonical',
      v.line,
      v.column - 1,
      `Write \`COMPLEXITY: ${found}\``,
    );
  }
  return { complexity: found };
}

function readCommitMessage(ctx: ParseContext, v: SectionValue): SectionValueResult {
  const raw = v.text; // already cleaned
  const q = raw[0];
  const quoted = raw.length >= 2 && (q === "'" || q === '"' || q === '`') && raw[raw.length - 1] === q;
  const message = quoted ? raw.slice(1, -1).trim() : raw;
  if (!message) {
    ctx.report('empty-section', 'warning', 'COMMIT has an empty message', v.line, v.column - 1);
    return undefined;
  }
  if (ctx.strict && !v.viaBody && !(quoted && q === "'" && raw.slice(1, -1) === message)) {
    ctx.report(
      'non-canonical-heading',
      'error',
      'Commit message is not in single quotes',
      v.line,
      v.column - 1,
      `Write \`COMMIT: '${message}'\``,
    );
  }
  return { commitMessage: message };
}
