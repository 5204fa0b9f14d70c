/**
 * The sections stage: walks the classified body lines, opens a section at each heading, hands content lines
 * to the items stage, and ends the instruction at prose after its last section.
 */
import type { Complexity, ExtraSection, InstructionItem, SectionSpan } from '../types.js';
import { checkHeadingForm, checkWhitespace } from './canonical-form.js';
import { matchFence } from './fences.js';
import { addItem, addText } from './item-tree.js';
import type { BodyExtent, LineClass } from './line-classes.js';
import { isBlank, measureIndent, type SourceLine, trimmedEnd } from './lines.js';
import type { ItemPosition, OpenSection } from './open-section.js';
import type { ParseContext } from './parse-context.js';
import type { Region } from './region.js';
import { addValueLine, readSectionValue } from './section-values.js';
import { CANONICAL_ORDER_TEXT, canonicalRank, type KnownSection } from './sections.js';

/** Everything the sections were read into. */
export interface SectionsRead {
  objectives: InstructionItem[];
  requirements: InstructionItem[];
  validation: InstructionItem[];
  successCriteria: InstructionItem[];
  notIncluded: InstructionItem[];
  /** FOUNDATION UPDATE items as written, before the target version and log request are read out. */
  foundationItems: InstructionItem[];
  /** Where each FOUNDATION UPDATE item was written. */
  foundationPositions: Map<InstructionItem, ItemPosition>;
  extraSections: ExtraSection[];
  /** The known sections that appeared. */
  seen: Set<KnownSection>;
  complexity?: Complexity;
  commitMessage?: string;
}

/** Reads the body's lines up to `extent.end` into sections; pushes each section's span onto `ctx.sections`. */
export function readSections(
  ctx: ParseContext,
  region: Region,
  classes: LineClass[],
  extent: BodyExtent,
): SectionsRead {
  return new SectionReader(ctx, region, classes, extent).read();
}

/** The walk's state: the open section, whether the previous line was blank or content, the text before sections. */
class SectionReader {
  private readonly out: SectionsRead = {
    objectives: [],
    requirements: [],
    validation: [],
    successCriteria: [],
    notIncluded: [],
    foundationItems: [],
    foundationPositions: new Map(),
    extraSections: [],
    seen: new Set(),
  };
  private readonly extraSeen = new Set<string>();
  private readonly headerSpan: SectionSpan;
  private lastRank = 0;
  private sec: OpenSection | undefined;
  private prevBlank = false;
  private lastWasContent = false;
  /** Last line of text between the header and the first section (normally none). */
  private preambleLast: number;
  private preambleContent = false;

  constructor(
    private readonly ctx: ParseContext,
    private readonly region: Region,
    private readonly classes: LineClass[],
    private readonly extent: BodyExtent,
  ) {
    const headerLine = region.headerLine.line;
    this.headerSpan = { title: 'HEADER', headingLine: headerLine, startLine: headerLine + 1, endLine: headerLine };
    this.preambleLast = headerLine;
    ctx.sections.push(this.headerSpan);
  }

  read(): SectionsRead {
    const { body } = this.region;
    for (let k = 0; k < this.extent.end; k++) {
      const c = this.classes[k]!;
      const line = body[k]!;
      if (c.t === 'blank' || c.t === 'rule') {
        this.readBlank(c, line);
        continue;
      }
      if (this.ctx.strict) checkWhitespace(this.ctx, line);
      if (c.t === 'heading') {
        this.openSection(c, line, k === this.extent.lastHeading);
        continue;
      }
      const last = this.readContent(k, c, line);
      if (last < 0) break;
      k = last;
    }
    this.closeSection();
    this.headerSpan.endLine = this.preambleContent ? this.preambleLast : this.region.headerLine.line;
    return this.out;
  }

  private readBlank(c: Extract<LineClass, { t: 'blank' | 'rule' }>, line: SourceLine): void {
    const ctx = this.ctx;
    if (c.t === 'rule' && ctx.strict)
      ctx.report('non-canonical-item', 'error', 'Horizontal rule', line, 0, 'Remove it');
    // Inside a fenced block: handled with its fence line.
    if (c.t === 'blank' && !isBlank(line.text)) return;
    if (ctx.strict && line.text.length > 0) checkWhitespace(ctx, line);
    this.prevBlank = true;
    this.lastWasContent = false;
  }

  private openSection(c: Extract<LineClass, { t: 'heading' }>, line: SourceLine, isLast: boolean): void {
    const ctx = this.ctx;
    this.closeSection();
    const h = c.h;
    const rank = canonicalRank(h.key);
    if (ctx.strict) {
      checkHeadingForm(ctx, h, c.indent, line, c.index);
      if (rank < this.lastRank) {
        ctx.report(
          'section-order',
          'error',
          `${h.key} is out of the canonical order`,
          line,
          c.index,
          `Order: ${CANONICAL_ORDER_TEXT}`,
        );
      }
    }
    this.lastRank = Math.max(this.lastRank, rank);
    const isValue = h.known === 'COMPLEXITY' || h.known === 'COMMIT';
    this.noteSeen(h.key, h.known, line, c.index);
    const inline = h.inline.length > 0 ? ctx.clean(h.inline) : '';
    const hasInline = inline.length > 0;
    const span: SectionSpan = {
      title: h.key,
      headingLine: line.line,
      startLine: hasInline ? line.line : line.line + 1,
      endLine: line.line,
    };
    ctx.sections.push(span);
    const sec: OpenSection = {
      key: h.key,
      span,
      headingLine: line,
      headingColumn: c.index + 1,
      items: isValue ? [] : this.itemsOf(h.key, h.known),
      stack: [],
      isValue,
      isLast,
      hasList: false,
      lastContentLine: hasInline ? line.line : 0,
      contentCount: 0,
      deepWarned: false,
    };
    if (h.known) sec.known = h.known;
    if (h.known === 'FOUNDATION UPDATE') sec.positions = this.out.foundationPositions;
    this.sec = sec;
    if (hasInline) {
      if (isValue) {
        sec.value = { text: inline, line, column: h.inlineIndex + 1, viaBody: false };
      } else {
        if (ctx.strict)
          ctx.report(
            'non-canonical-heading',
            'error',
            'Content on the heading line',
            line,
            h.inlineIndex,
            `Put it on its own line as an item under ${h.key}:`,
          );
        const item: InstructionItem = { text: inline, children: [] };
        sec.items.push(item);
        sec.positions?.set(item, { line: line.line, column: line.col0 + h.inlineIndex + 1 });
        sec.stack = [{ indent: c.indent, contentIndent: c.indent + 2, item }];
      }
      sec.contentCount++;
    }
    this.lastWasContent = hasInline;
    this.prevBlank = false;
  }

  /** Records a section heading; reports a known section written twice, or an unknown one. */
  private noteSeen(key: string, known: KnownSection | undefined, line: SourceLine, index: number): void {
    const ctx = this.ctx;
    if (known) {
      if (this.out.seen.has(known)) {
        ctx.report(
          'duplicate-section',
          ctx.strictError,
          `${known} appears more than once; items are merged`,
          line,
          index,
          'Write each section once',
        );
      }
      this.out.seen.add(known);
      return;
    }
    if (this.extraSeen.has(key)) {
      ctx.report(
        'duplicate-section',
        'warning',
        `${key} appears more than once; kept as separate sections`,
        line,
        index,
      );
    } else {
      ctx.report('unknown-section', 'info', `${key} is not a known section; kept in extraSections`, line, index);
    }
    this.extraSeen.add(key);
  }

  /** The list a section's top-level items go to: its known section's (shared by duplicates), or a new extra one. */
  private itemsOf(key: string, known: KnownSection | undefined): InstructionItem[] {
    const out = this.out;
    switch (known) {
      case 'OBJECTIVES':
        return out.objectives;
      case 'REQUIREMENTS':
        return out.requirements;
      case 'FOUNDATION UPDATE':
        return out.foundationItems;
      case 'VALIDATION':
        return out.validation;
      case 'SUCCESS CRITERIA':
        return out.successCriteria;
      case 'NOT INCLUDED':
        return out.notIncluded;
      default: {
        const extra: ExtraSection = { title: key, items: [] };
        out.extraSections.push(extra);
        return extra.items;
      }
    }
  }

  private closeSection(): void {
    const sec = this.sec;
    if (!sec) return;
    sec.span.endLine = Math.max(sec.lastContentLine, sec.span.startLine - 1);
    if (sec.isValue) {
      const value = readSectionValue(this.ctx, sec);
      if (value && 'complexity' in value) this.out.complexity ??= value.complexity;
      else if (value) this.out.commitMessage ??= value.commitMessage;
    }
    if (sec.contentCount === 0 && !sec.isValue) {
      this.ctx.report(
        'empty-section',
        'warning',
        `${sec.key} section has no items`,
        sec.headingLine,
        sec.headingColumn - 1,
      );
    }
    this.sec = undefined;
  }

  /**
   * Reads a content line (item, text, code block, unclosed fence) at body index `k`. Returns the index of the
   * last line it used (a code block uses several), or -1 when the line is prose after the instruction.
   */
  private readContent(k: number, c: LineClass, line: SourceLine): number {
    const ctx = this.ctx;
    const wasBlank = this.prevBlank;
    this.prevBlank = false;
    if (c.t === 'unclosed-fence') {
      ctx.report(
        'unterminated-fence',
        ctx.strictError,
        'Code fence is never closed',
        line,
        matchFence(line.text)?.indent ?? 0,
        'Close the fence with a line of the same backticks or tildes, or remove it',
      );
    }
    const indent = c.t === 'item' || c.t === 'text' ? c.indent : measureIndent(line.text).width;
    const index = c.t === 'item' || c.t === 'text' ? c.index : measureIndent(line.text).index;
    const sec = this.sec;

    // Text after a blank line that follows the list of the last section: prose after the instruction.
    if (
      sec?.isLast &&
      wasBlank &&
      indent <= 3 &&
      c.t !== 'item' &&
      ((sec.hasList && !sec.isValue) || (sec.isValue && sec.value))
    ) {
      if (ctx.strict)
        ctx.report(
          'non-canonical-wrapper',
          'error',
          'Text after the instruction',
          line,
          index,
          'Remove text after the last section',
        );
      else ctx.report('trailing-prose', 'info', 'Text after the instruction is ignored', line, index);
      return -1;
    }
    if (ctx.strict && wasBlank && sec) {
      ctx.report(
        'non-canonical-whitespace',
        'error',
        'Blank line inside a section',
        line,
        0,
        'Blank lines may only come before a section heading',
      );
    }
    if (!sec) {
      this.readOutside(line, index, !this.lastWasContent || c.t === 'item');
      this.lastWasContent = true;
      return k;
    }
    let text: string;
    let last = k;
    if (c.t === 'fence') {
      text = this.codeBlockText(k, c.close);
      if (ctx.strict)
        ctx.report(
          'non-canonical-item',
          'error',
          'Code block inside the instruction',
          line,
          index,
          'Describe what to achieve in items instead',
        );
      sec.lastContentLine = this.region.body[c.close]!.line;
      last = c.close;
    } else {
      const from = c.t === 'item' ? c.m.textIndex : index;
      text = ctx.clean(line.text.slice(from, trimmedEnd(line.text)));
      sec.lastContentLine = line.line;
    }

    if (sec.isValue) {
      addValueLine(ctx, sec, text, line, index, this.lastWasContent);
    } else if (c.t === 'item') {
      if (!text) {
        ctx.report('empty-item', ctx.strictError, 'List item has no text', line, index, 'Remove the empty item');
        this.lastWasContent = false;
        return last;
      }
      addItem(ctx, sec, { text, children: [] }, indent, indent + (c.m.textIndex - index), line, c.m, index);
      sec.contentCount++;
    } else {
      addText(ctx, sec, text, c.t === 'fence', indent, line, index, this.lastWasContent);
    }
    this.lastWasContent = true;
    return last;
  }

  /** A code block's non-blank lines joined into one text. */
  private codeBlockText(from: number, close: number): string {
    const parts: string[] = [];
    for (let j = from; j <= close; j++) {
      const t = this.region.body[j]!.text.trim();
      if (t) parts.push(t);
    }
    return this.ctx.clean(parts.join(' '));
  }

  /** Text between the header and the first section: ignored, reported where a new paragraph or item starts. */
  private readOutside(line: SourceLine, index: number, startsNew: boolean): void {
    this.preambleLast = line.line;
    if (startsNew) {
      this.ctx.report(
        'item-outside-section',
        this.ctx.strictError,
        'Text outside any section is ignored',
        line,
        index,
        'Put it under a section such as OBJECTIVES: or CONTEXT:',
      );
    }
    this.preambleContent = true;
  }
}
