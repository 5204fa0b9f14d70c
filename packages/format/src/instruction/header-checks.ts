/** The header stage's diagnostics: no readable header, and what surrounds the instruction (prose, wrappers). */

import { checkWhitespace } from './canonical-form.js';
import { canonicalHeader } from './header.js';
import type { ParseContext } from './parse-context.js';
import type { Region, RegionResult } from './region.js';

/** Reports why no instruction was found: a header without a readable version or name, or no header at all. */
export function reportMissingHeader(
  ctx: ParseContext,
  problem: Extract<RegionResult, { found: false }>['problem'],
): void {
  if (!problem) {
    ctx.diagnostics.add(
      'missing-header',
      'error',
      'No `Session X.Y: Name` header found',
      1,
      1,
      'Start with a header such as `Session 2.3: Name`',
    );
    return;
  }
  const { line, p } = problem;
  if (p.code === 'bad-version') {
    ctx.report(
      'bad-version',
      'error',
      `Header has no readable session version: ${JSON.stringify(p.token.slice(0, 40))}`,
      line,
      p.index,
      'Versions look like 2.3, 0.12, 2.9.1, 2.22A or 2.25A.1',
    );
  } else {
    ctx.report(
      'missing-name',
      'error',
      'Header has no session name',
      line,
      p.index,
      `Write \`Session ${p.token}: Name\``,
    );
  }
}

/**
 * Reports prose before and after the instruction (ignored in lenient mode), and in strict mode a header
 * that is not the first line or not canonical, and wrappers (code fence, `claude-code "..."`).
 */
export function checkSurroundings(ctx: ParseContext, region: Region): void {
  const { header, headerLine } = region;
  const strict = ctx.strict;
  if (region.proseBefore) {
    if (strict)
      ctx.report(
        'non-canonical-wrapper',
        'error',
        'Text before the header',
        region.proseBefore,
        0,
        'The header must be the first line',
      );
    else ctx.report('prose-before-header', 'info', 'Text before the header is ignored', region.proseBefore, 0);
  } else if (strict && headerLine.line !== 1) {
    ctx.report(
      'non-canonical-wrapper',
      'error',
      'The header is not the first line',
      headerLine,
      0,
      'Remove the blank lines before the header',
    );
  }
  if (strict) {
    for (const w of region.wrappers) {
      const what = w.kind === 'fence' ? 'code fence' : 'claude-code "..." wrapper';
      ctx.diagnostics.add(
        'non-canonical-wrapper',
        'error',
        `Instruction wrapped in a ${what}`,
        w.line.line,
        w.column,
        'Write the instruction as plain text',
      );
    }
  }
  if (region.proseAfter) {
    if (strict)
      ctx.report(
        'non-canonical-wrapper',
        'error',
        'Text after the instruction',
        region.proseAfter,
        0,
        'Remove text after the last section',
      );
    else ctx.report('trailing-prose', 'info', 'Text after the instruction is ignored', region.proseAfter, 0);
  }
  if (strict && !header.canonical) {
    const hint = canonicalHeader(header.kind, header.version, ctx.clean(header.name));
    ctx.report('non-canonical-header', 'error', 'Header is not in canonical form', headerLine, 0, `Write \`${hint}\``);
  }
  if (strict) checkWhitespace(ctx, headerLine);
}
