/**
 * `parseInstruction`: reads a session instruction in strict (canonical only) or lenient (what people really
 * write) mode. Linear time, no backtracking-prone patterns, never throws.
 *
 * The stages, one file each: lines (`lines.ts`, `line-classes.ts`, `text-checks.ts`) → header (`region.ts`,
 * `header.ts`, `header-checks.ts`) → sections (`section-reader.ts`, `headings.ts`, `sections.ts`) → items
 * (`item-tree.ts`, `section-values.ts`, `foundation-update.ts`) → diagnostics (`parse-context.ts`,
 * `canonical-form.ts`, `diagnostics.ts`).
 */
import type { Diagnostic, Instruction, ParseOptions, ParseResult } from '../types.js';
import { readFoundationUpdate } from './foundation-update.js';
import { checkSurroundings, reportMissingHeader } from './header-checks.js';
import { classifyLines, findBodyExtent } from './line-classes.js';
import { isBlank, splitLines } from './lines.js';
import { ParseContext } from './parse-context.js';
import { findRegion, type Region } from './region.js';
import { readSections, type SectionsRead } from './section-reader.js';
import { REQUIRED_SECTIONS } from './sections.js';
import { checkEncoding, reportEmptyInput } from './text-checks.js';

/**
 * Parses a session instruction.
 *
 * - `lenient` (default) accepts what people really write (Markdown headings, bold labels, aliases, any section
 *   order, wrapped and nested items, code-fence and `claude-code "..."` wrappers, surrounding prose, CRLF, BOM,
 *   tabs) and returns an `instruction` whenever a header with a version and a name was found.
 * - `strict` accepts only the canonical form written by `formatInstruction`; `instruction` is returned only when
 *   there is no error.
 *
 * Never throws. Diagnostics are positioned 1-based on the original text; `sections` gives each section's lines.
 *
 * @example
 * const { instruction, diagnostics } = parseInstruction(text, { mode: 'lenient' });
 */
export function parseInstruction(text: string, options: ParseOptions = {}): ParseResult {
  const strict = options.mode === 'strict';
  try {
    return parseText(typeof text === 'string' ? text : '', new ParseContext(strict));
  } catch (error) {
    // A safety net only: the fuzz tests check it is never reached.
    const message = error instanceof Error ? error.message : String(error);
    const diagnostics: Diagnostic[] = [
      { code: 'internal-error', severity: 'error', message: `Parser failure: ${message}`, line: 1, column: 1 },
    ];
    return { diagnostics, sections: [] };
  }
}

function parseText(input: string, ctx: ParseContext): ParseResult {
  const split = splitLines(input);
  if (split.lines.every((l) => isBlank(l.text))) {
    reportEmptyInput(ctx);
    return { diagnostics: ctx.diagnostics.finish(), sections: [] };
  }
  if (ctx.strict) checkEncoding(ctx, split);
  const mayHaveFences = input.includes('```') || input.includes('~~~');
  const found = findRegion(split.lines, ctx.diagnostics, ctx.strict, mayHaveFences);
  if (!found.found) {
    reportMissingHeader(ctx, found.problem);
    return { diagnostics: ctx.diagnostics.finish(), sections: [] };
  }
  const region = found.region;
  ctx.unescapeQuote = region.unescapeQuote;
  checkSurroundings(ctx, region);
  const classes = classifyLines(region.body, mayHaveFences);
  const read = readSections(ctx, region, classes, findBodyExtent(ctx, region.body, classes));
  reportMissingSections(ctx, region, read);
  const instruction = toInstruction(ctx, region, read);
  const result: ParseResult = { diagnostics: ctx.diagnostics.finish(), sections: ctx.sections };
  if (!ctx.strict || !ctx.diagnostics.hasErrors()) result.instruction = instruction;
  return result;
}

/** Reports each of OBJECTIVES, REQUIREMENTS, FOUNDATION UPDATE and VALIDATION that is absent, at the header. */
function reportMissingSections(ctx: ParseContext, region: Region, read: SectionsRead): void {
  for (const required of REQUIRED_SECTIONS) {
    if (!read.seen.has(required)) {
      ctx.report(
        'missing-section',
        ctx.strictError,
        `No ${required} section`,
        region.headerLine,
        0,
        `Add a ${required}: section`,
      );
    }
  }
}

function toInstruction(ctx: ParseContext, { header }: Region, read: SectionsRead): Instruction {
  const instruction: Instruction = {
    version: header.version,
    name: ctx.clean(header.name),
    kind: header.kind,
    objectives: read.objectives,
    requirements: read.requirements,
    foundationUpdate: readFoundationUpdate(ctx, read.foundationItems, read.foundationPositions, header.version),
    validation: read.validation,
    successCriteria: read.successCriteria,
    notIncluded: read.notIncluded,
    extraSections: read.extraSections,
  };
  if (read.complexity) instruction.complexity = read.complexity;
  if (read.commitMessage !== undefined) instruction.commitMessage = read.commitMessage;
  return instruction;
}
