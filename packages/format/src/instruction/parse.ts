/**
 * `parseInstruction`: reads a session instruction in strict (canonical only) or lenient (what people really
 * write) mode. Linear time, no backtracking-prone patterns, never throws.
 */
import type {
  Complexity,
  Diagnostic,
  ExtraSection,
  Instruction,
  InstructionItem,
  ParseOptions,
  ParseResult,
  SectionSpan,
  Severity,
} from '../types.js';
import { compareVersions, parseVersion } from '../version.js';
import { DiagnosticCollector, type InstructionDiagnosticCode } from './diagnostics.js';
import { findFenceClosers, matchFence } from './fences.js';
import { CANONICAL_LOG_ITEM, CANONICAL_VERSION_ITEM_PREFIX, isLogItem, matchVersionItem } from './foundation-items.js';
import { canonicalHeader, matchHeader } from './header.js';
import { type HeadingMatch, type ItemMatch, isRule, matchHeading, matchItem } from './headings.js';
import { cleanText, isBlank, measureIndent, type SourceLine, splitLines, trimmedEnd } from './lines.js';
import { findRegion, type Region } from './region.js';
import { CANONICAL_ORDER_TEXT, canonicalRank, type KnownSection, REQUIRED_SECTIONS } from './sections.js';

export { INSTRUCTION_DIAGNOSTIC_CODES, type InstructionDiagnosticCode, MAX_DIAGNOSTICS } from './diagnostics.js';
export {
  isLogItem as isFoundationLogItem,
  matchVersionItem as matchFoundationVersionItem,
} from './foundation-items.js';
export { SECTION_ALIASES as INSTRUCTION_SECTION_ALIASES } from './sections.js';

/** Items nested deeper than this are attached at this depth (keeps every recursive consumer safe). */
export const MAX_ITEM_DEPTH = 8;

const COMPLEXITIES: readonly Complexity[] = ['simple', 'moderate', 'complex', 'epic'];

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
    return new InstructionParser(typeof text === 'string' ? text : '', strict).run();
  } catch (error) {
    // A safety net only: the fuzz tests check it is never reached.
    const message = error instanceof Error ? error.message : String(error);
    const diagnostics: Diagnostic[] = [
      { code: 'internal-error', severity: 'error', message: `Parser failure: ${message}`, line: 1, column: 1 },
    ];
    return { diagnostics, sections: [] };
  }
}

/** Per-line classification of the instruction body. */
type LineClass =
  | { t: 'blank' }
  | { t: 'rule' }
  | { t: 'fence'; close: number }
  | { t: 'unclosed-fence' }
  | { t: 'header' }
  | { t: 'item'; m: ItemMatch; indent: number; index: number }
  | { t: 'heading'; h: HeadingMatch; indent: number; index: number }
  | { t: 'text'; indent: number; index: number };

interface StackEntry {
  indent: number;
  /** Indentation width where the item's text starts (where canonical sub-items go). */
  contentIndent: number;
  item: InstructionItem;
}

interface OpenSection {
  key: string;
  known?: KnownSection;
  span: SectionSpan;
  headingLine: SourceLine;
  headingColumn: number;
  items: InstructionItem[];
  stack: StackEntry[];
  /** Value of COMPLEXITY / COMMIT sections. */
  value?: { text: string; line: SourceLine; column: number; viaBody: boolean };
  isValue: boolean;
  isLast: boolean;
  hasList: boolean;
  lastContentLine: number;
  contentCount: number;
  deepWarned: boolean;
}

/** Position of a FOUNDATION UPDATE top-level item, for diagnostics about it. */
interface ItemPos {
  item: InstructionItem;
  line: number;
  column: number;
}

class InstructionParser {
  private readonly diags = new DiagnosticCollector();
  private readonly sections: SectionSpan[] = [];
  private unescapeQuote: string | undefined;
  private mayHaveFences = true;

  constructor(
    private readonly input: string,
    private readonly strict: boolean,
  ) {}

  private add(
    code: InstructionDiagnosticCode,
    severity: Severity,
    message: string,
    line: SourceLine,
    index: number,
    hint?: string,
  ): void {
    this.diags.add(code, severity, message, line.line, line.col0 + index + 1, hint);
  }

  /** Error in strict mode, warning in lenient mode. */
  private get strictError(): Severity {
    return this.strict ? 'error' : 'warning';
  }

  run(): ParseResult {
    const { lines, hasBom, firstCrLine } = splitLines(this.input);
    if (lines.every((l) => isBlank(l.text))) {
      this.diags.add(
        'empty-input',
        'error',
        'The text is empty',
        1,
        1,
        'Start with a header such as `Session 2.3: Name`',
      );
      return { diagnostics: this.diags.finish(), sections: [] };
    }
    if (this.strict && hasBom) {
      this.diags.add('non-canonical-whitespace', 'error', 'Byte order mark at the start', 1, 1, 'Save without a BOM');
    }
    if (this.strict && firstCrLine > 0) {
      const l = lines[firstCrLine - 1]!;
      this.diags.add(
        'non-canonical-whitespace',
        'error',
        'CRLF or CR line endings',
        l.line,
        l.col0 + l.text.length + 1,
        'Use LF line endings',
      );
    }
    this.mayHaveFences = this.input.includes('```') || this.input.includes('~~~');
    const found = findRegion(lines, this.diags, this.strict, this.mayHaveFences);
    if (!found.found) {
      if (found.problem) {
        const { line, p } = found.problem;
        if (p.code === 'bad-version') {
          this.add(
            'bad-version',
            'error',
            `Header has no readable session version: ${JSON.stringify(p.token.slice(0, 40))}`,
            line,
            p.index,
            'Versions look like 2.3, 0.12, 2.9.1, 2.22A or 2.25A.1',
          );
        } else {
          this.add(
            'missing-name',
            'error',
            'Header has no session name',
            line,
            p.index,
            `Write \`Session ${p.token}: Name\``,
          );
        }
      } else {
        this.diags.add(
          'missing-header',
          'error',
          'No `Session X.Y: Name` header found',
          1,
          1,
          'Start with a header such as `Session 2.3: Name`',
        );
      }
      return { diagnostics: this.diags.finish(), sections: [] };
    }
    const region = found.region;
    this.unescapeQuote = region.unescapeQuote;
    this.checkSurroundings(region);
    return this.parseBody(region);
  }

  private checkSurroundings(region: Region): void {
    const { header, headerLine } = region;
    if (region.proseBefore) {
      if (this.strict)
        this.add(
          'non-canonical-wrapper',
          'error',
          'Text before the header',
          region.proseBefore,
          0,
          'The header must be the first line',
        );
      else this.add('prose-before-header', 'info', 'Text before the header is ignored', region.proseBefore, 0);
    } else if (this.strict && headerLine.line !== 1) {
      this.add(
        'non-canonical-wrapper',
        'error',
        'The header is not the first line',
        headerLine,
        0,
        'Remove the blank lines before the header',
      );
    }
    if (this.strict) {
      for (const w of region.wrappers) {
        const what = w.kind === 'fence' ? 'code fence' : 'claude-code "..." wrapper';
        this.diags.add(
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
      if (this.strict)
        this.add(
          'non-canonical-wrapper',
          'error',
          'Text after the instruction',
          region.proseAfter,
          0,
          'Remove text after the last section',
        );
      else this.add('trailing-prose', 'info', 'Text after the instruction is ignored', region.proseAfter, 0);
    }
    if (this.strict && !header.canonical) {
      const hint = canonicalHeader(header.kind, header.version, this.clean(header.name));
      this.add('non-canonical-header', 'error', 'Header is not in canonical form', headerLine, 0, `Write \`${hint}\``);
    }
    if (this.strict) this.checkWhitespace(headerLine);
  }

  private checkWhitespace(line: SourceLine): void {
    const tab = line.text.indexOf('\t');
    if (tab >= 0) this.add('non-canonical-whitespace', 'error', 'Tab character', line, tab, 'Use spaces');
    const end = trimmedEnd(line.text);
    if (end < line.text.length) {
      this.add('non-canonical-whitespace', 'error', 'Trailing whitespace', line, end, 'Remove trailing spaces');
    }
  }

  /** Undoes `\\"` escapes inside a `claude-code "..."` wrapper and normalizes the text with `cleanText`. */
  private clean(text: string): string {
    const q = this.unescapeQuote;
    return cleanText(q && text.includes('\\') ? text.replaceAll(`\\${q}`, q) : text);
  }

  private classify(body: SourceLine[]): LineClass[] {
    const closers = findFenceClosers(body, this.mayHaveFences);
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

  private parseBody(region: Region): ParseResult {
    const { body, header, headerLine } = region;
    const cls = this.classify(body);
    let end = body.length;
    let lastHeading = -1;
    for (let k = 0; k < cls.length; k++) {
      const c = cls[k]!;
      if (c.t === 'header') {
        const l = body[k]!;
        if (this.strict)
          this.add(
            'non-canonical-wrapper',
            'error',
            'A second instruction header',
            l,
            0,
            'Write one instruction per text',
          );
        else this.add('extra-header', 'info', 'A second instruction header: only the first instruction is read', l, 0);
        end = k;
        break;
      }
      if (c.t === 'heading') lastHeading = k;
    }

    const objectives: InstructionItem[] = [];
    const requirements: InstructionItem[] = [];
    const validation: InstructionItem[] = [];
    const successCriteria: InstructionItem[] = [];
    const notIncluded: InstructionItem[] = [];
    const foundationRaw: InstructionItem[] = [];
    const foundationPos = new Map<InstructionItem, ItemPos>();
    const extraSections: ExtraSection[] = [];
    const seen = new Set<string>();
    const extraSeen = new Set<string>();
    let complexity: Complexity | undefined;
    let commitMessage: string | undefined;
    let lastRank = 0;

    const headerSpan: SectionSpan = {
      title: 'HEADER',
      headingLine: headerLine.line,
      startLine: headerLine.line + 1,
      endLine: headerLine.line,
    };
    this.sections.push(headerSpan);
    let preambleLast = headerLine.line;
    let preambleContent = false;

    let sec: OpenSection | undefined;
    let prevBlank = false;
    let lastWasContent = false;
    let trailing = false;

    const closeSection = (): void => {
      if (!sec) return;
      sec.span.endLine = Math.max(sec.lastContentLine, sec.span.startLine - 1);
      if (sec.isValue)
        this.finishValue(
          sec,
          (c) => (complexity ??= c),
          (m) => (commitMessage ??= m),
        );
      if (sec.contentCount === 0 && !sec.isValue) {
        this.add('empty-section', 'warning', `${sec.key} section has no items`, sec.headingLine, sec.headingColumn - 1);
      }
      sec = undefined;
    };

    const targetFor = (key: string, known: KnownSection | undefined): InstructionItem[] => {
      switch (known) {
        case 'OBJECTIVES':
          return objectives;
        case 'REQUIREMENTS':
          return requirements;
        case 'FOUNDATION UPDATE':
          return foundationRaw;
        case 'VALIDATION':
          return validation;
        case 'SUCCESS CRITERIA':
          return successCriteria;
        case 'NOT INCLUDED':
          return notIncluded;
        case 'COMPLEXITY':
        case 'COMMIT':
          return [];
        default: {
          const extra: ExtraSection = { title: key, items: [] };
          extraSections.push(extra);
          return extra.items;
        }
      }
    };

    const addItem = (
      s: OpenSection,
      item: InstructionItem,
      indent: number,
      contentIndent: number,
      line: SourceLine,
      m: ItemMatch | undefined,
      index: number,
    ): void => {
      const stack = s.stack;
      while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
      if (stack.length >= MAX_ITEM_DEPTH) {
        stack.length = MAX_ITEM_DEPTH - 1;
        if (!s.deepWarned) {
          s.deepWarned = true;
          this.add(
            'nesting-too-deep',
            this.strictError,
            `Items nested deeper than ${MAX_ITEM_DEPTH} levels are kept at level ${MAX_ITEM_DEPTH}`,
            line,
            index,
          );
        }
      }
      const parent = stack[stack.length - 1];
      if (this.strict && m)
        this.checkItemForm(s, parent, m, indent, line, index, parent ? parent.item.children.length : s.items.length);
      if (parent) parent.item.children.push(item);
      else s.items.push(item);
      if (s.known === 'FOUNDATION UPDATE')
        foundationPos.set(item, { item, line: line.line, column: line.col0 + index + 1 });
      stack.push({ indent, contentIndent, item });
      // Only real list items make a later unindented paragraph read as prose after the instruction.
      if (m) s.hasList = true;
    };

    const outside = (line: SourceLine, index: number, startsNew: boolean): void => {
      preambleLast = line.line;
      if (startsNew) {
        this.add(
          'item-outside-section',
          this.strictError,
          'Text outside any section is ignored',
          line,
          index,
          'Put it under a section such as OBJECTIVES: or CONTEXT:',
        );
      }
      preambleContent = true;
    };

    for (let k = 0; k < end && !trailing; k++) {
      const c = cls[k]!;
      const line = body[k]!;
      if (c.t === 'blank' || c.t === 'rule') {
        if (c.t === 'rule' && this.strict)
          this.add('non-canonical-item', 'error', 'Horizontal rule', line, 0, 'Remove it');
        if (c.t === 'blank' && !isBlank(line.text)) {
          // Inside a fenced block: handled with its fence line.
          continue;
        }
        if (this.strict && line.text.length > 0) this.checkWhitespace(line);
        prevBlank = true;
        lastWasContent = false;
        continue;
      }
      if (this.strict) this.checkWhitespace(line);
      if (c.t === 'heading') {
        closeSection();
        const h = c.h;
        const rank = canonicalRank(h.key);
        if (this.strict) {
          this.checkHeadingForm(h, c.indent, line, c.index);
          if (rank < lastRank) {
            this.add(
              'section-order',
              'error',
              `${h.key} is out of the canonical order`,
              line,
              c.index,
              `Order: ${CANONICAL_ORDER_TEXT}`,
            );
          }
        }
        lastRank = Math.max(lastRank, rank);
        const isValue = h.known === 'COMPLEXITY' || h.known === 'COMMIT';
        if (h.known) {
          if (seen.has(h.known)) {
            this.add(
              'duplicate-section',
              this.strictError,
              `${h.known} appears more than once; items are merged`,
              line,
              c.index,
              'Write each section once',
            );
          }
          seen.add(h.known);
        } else {
          if (extraSeen.has(h.key)) {
            this.add(
              'duplicate-section',
              'warning',
              `${h.key} appears more than once; kept as separate sections`,
              line,
              c.index,
            );
          } else {
            this.add(
              'unknown-section',
              'info',
              `${h.key} is not a known section; kept in extraSections`,
              line,
              c.index,
            );
          }
          extraSeen.add(h.key);
        }
        const inline = h.inline.length > 0 ? this.clean(h.inline) : '';
        const hasInline = inline.length > 0;
        const span: SectionSpan = {
          title: h.key,
          headingLine: line.line,
          startLine: hasInline ? line.line : line.line + 1,
          endLine: line.line,
        };
        this.sections.push(span);
        const items = isValue ? [] : h.known ? targetFor(h.key, h.known) : targetFor(h.key, undefined);
        sec = {
          key: h.key,
          span,
          headingLine: line,
          headingColumn: c.index + 1,
          items,
          stack: [],
          isValue,
          isLast: k === lastHeading,
          hasList: false,
          lastContentLine: hasInline ? line.line : 0,
          contentCount: 0,
          deepWarned: false,
        };
        if (h.known) sec.known = h.known;
        if (hasInline) {
          if (isValue) {
            sec.value = { text: inline, line, column: h.inlineIndex + 1, viaBody: false };
          } else {
            if (this.strict)
              this.add(
                'non-canonical-heading',
                'error',
                'Content on the heading line',
                line,
                h.inlineIndex,
                `Put it on its own line as an item under ${h.key}:`,
              );
            const item: InstructionItem = { text: inline, children: [] };
            sec.items.push(item);
            if (h.known === 'FOUNDATION UPDATE')
              foundationPos.set(item, { item, line: line.line, column: line.col0 + h.inlineIndex + 1 });
            sec.stack = [{ indent: c.indent, contentIndent: c.indent + 2, item }];
          }
          sec.contentCount++;
        }
        lastWasContent = hasInline;
        prevBlank = false;
        continue;
      }

      // Content lines: items, text, code blocks, unclosed fences.
      const wasBlank = prevBlank;
      prevBlank = false;
      if (c.t === 'unclosed-fence') {
        this.add(
          'unterminated-fence',
          this.strictError,
          'Code fence is never closed',
          line,
          matchFence(line.text)?.indent ?? 0,
          'Close the fence with a line of the same backticks or tildes, or remove it',
        );
      }
      const indent = c.t === 'item' || c.t === 'text' ? c.indent : measureIndent(line.text).width;
      const index = c.t === 'item' || c.t === 'text' ? c.index : measureIndent(line.text).index;

      // Text after a blank line that follows the list of the last section: prose after the instruction.
      if (
        sec?.isLast &&
        wasBlank &&
        indent <= 3 &&
        c.t !== 'item' &&
        ((sec.hasList && !sec.isValue) || (sec.isValue && sec.value))
      ) {
        if (this.strict)
          this.add(
            'non-canonical-wrapper',
            'error',
            'Text after the instruction',
            line,
            index,
            'Remove text after the last section',
          );
        else this.add('trailing-prose', 'info', 'Text after the instruction is ignored', line, index);
        trailing = true;
        break;
      }
      if (this.strict && wasBlank && sec) {
        this.add(
          'non-canonical-whitespace',
          'error',
          'Blank line inside a section',
          line,
          0,
          'Blank lines may only come before a section heading',
        );
      }
      if (!sec) {
        outside(line, index, !lastWasContent || c.t === 'item');
        lastWasContent = true;
        continue;
      }
      let text: string;
      if (c.t === 'fence') {
        const parts: string[] = [];
        for (let j = k; j <= c.close; j++) {
          const t = body[j]!.text.trim();
          if (t) parts.push(t);
        }
        text = this.clean(parts.join(' '));
        if (this.strict)
          this.add(
            'non-canonical-item',
            'error',
            'Code block inside the instruction',
            line,
            index,
            'Describe what to achieve in items instead',
          );
        sec.lastContentLine = body[c.close]!.line;
        k = c.close;
      } else {
        const from = c.t === 'item' ? c.m.textIndex : index;
        text = this.clean(line.text.slice(from, trimmedEnd(line.text)));
        sec.lastContentLine = line.line;
      }

      if (sec.isValue) {
        if (!sec.value && text) {
          sec.value = { text, line, column: index + 1, viaBody: true };
          sec.contentCount++;
        } else if (text && !lastWasContent) {
          this.add(
            'item-outside-section',
            this.strictError,
            `Text after the ${sec.key} value is ignored`,
            line,
            index,
            'Put it under a section such as NOTES:',
          );
        }
        lastWasContent = true;
        continue;
      }

      if (c.t === 'item') {
        if (!text) {
          this.add('empty-item', this.strictError, 'List item has no text', line, index, 'Remove the empty item');
          lastWasContent = false;
          continue;
        }
        const contentIndent = indent + (c.m.textIndex - index);
        addItem(sec, { text, children: [] }, indent, contentIndent, line, c.m, index);
        sec.contentCount++;
        lastWasContent = true;
        continue;
      }

      // Text or a code block: continuation of the current item, or a paragraph item.
      const stack = sec.stack;
      let target: StackEntry | undefined;
      if (lastWasContent && stack.length > 0) {
        target = stack[stack.length - 1];
      } else if (!lastWasContent && stack.length > 0 && indent > stack[0]!.indent) {
        for (let s = stack.length - 1; s >= 0; s--) {
          if (stack[s]!.indent < indent) {
            target = stack[s];
            break;
          }
        }
      }
      if (target) {
        if (this.strict && c.t !== 'fence')
          this.add(
            'non-canonical-item',
            'error',
            'Item text wraps onto another line',
            line,
            index,
            'Write each item on one line',
          );
        if (text) target.item.text = target.item.text ? `${target.item.text} ${text}` : text;
      } else if (text) {
        if (this.strict && c.t !== 'fence')
          this.add(
            'non-canonical-item',
            'error',
            'Paragraph instead of a list item',
            line,
            index,
            sec.known === 'OBJECTIVES' ? 'Write `1. text`' : 'Write `- text`',
          );
        const item: InstructionItem = { text, children: [] };
        sec.stack = [];
        addItem(sec, item, indent, indent, line, undefined, index);
        sec.contentCount++;
      }
      lastWasContent = true;
    }
    closeSection();

    // HEADER span: the lines between the header and the first section (normally none).
    headerSpan.endLine = preambleContent ? preambleLast : headerLine.line;

    for (const required of REQUIRED_SECTIONS) {
      if (!seen.has(required)) {
        this.add(
          'missing-section',
          this.strictError,
          `No ${required} section`,
          headerLine,
          0,
          `Add a ${required}: section`,
        );
      }
    }

    const foundationUpdate = this.readFoundation(foundationRaw, foundationPos, header.version);
    const instruction: Instruction = {
      version: header.version,
      name: this.clean(header.name),
      kind: header.kind,
      objectives,
      requirements,
      foundationUpdate,
      validation,
      successCriteria,
      notIncluded,
      extraSections,
    };
    if (complexity) instruction.complexity = complexity;
    if (commitMessage !== undefined) instruction.commitMessage = commitMessage;

    const result: ParseResult = { diagnostics: this.diags.finish(), sections: this.sections };
    if (!this.strict || !this.diags.hasErrors()) result.instruction = instruction;
    return result;
  }

  private checkHeadingForm(h: HeadingMatch, indent: number, line: SourceLine, index: number): void {
    const canonicalTitle = h.known ?? h.key;
    const problems: string[] = [];
    if (h.style === 'markdown') problems.push('Markdown heading');
    if (h.style === 'bold') problems.push('bold label');
    if (indent !== 0) problems.push('indented');
    if (h.written !== canonicalTitle)
      problems.push(
        h.known && h.written.toUpperCase() !== canonicalTitle ? `alias of ${canonicalTitle}` : 'not written upper-case',
      );
    if (!h.hasColon) problems.push('no colon');
    if (h.spaceBeforeColon) problems.push('space before the colon');
    if (problems.length > 0) {
      this.add(
        'non-canonical-heading',
        'error',
        `Section heading is not canonical (${problems.join(', ')})`,
        line,
        index,
        `Write \`${canonicalTitle}:\``,
      );
    }
  }

  private checkItemForm(
    s: OpenSection,
    parent: StackEntry | undefined,
    m: ItemMatch,
    indent: number,
    line: SourceLine,
    index: number,
    position: number,
  ): void {
    const expectedIndent = parent ? parent.contentIndent : 0;
    const numbered = !parent && s.known === 'OBJECTIVES';
    const expectedMarker = numbered ? `${position + 1}.` : '-';
    if (m.marker !== expectedMarker || m.gap !== 1 || indent !== expectedIndent) {
      const pad = ' '.repeat(expectedIndent);
      this.add(
        'non-canonical-item',
        'error',
        `List item is not canonical (expected \`${pad}${expectedMarker} \`)`,
        line,
        index,
        `Write \`${pad}${expectedMarker} text\``,
      );
    }
  }

  private finishValue(sec: OpenSection, setComplexity: (c: Complexity) => void, setCommit: (m: string) => void): void {
    const v = sec.value;
    if (!v) {
      this.add('empty-section', 'warning', `${sec.key} has no value`, sec.headingLine, sec.headingColumn - 1);
      return;
    }
    if (this.strict && v.viaBody) {
      this.add(
        'non-canonical-heading',
        'error',
        `${sec.key} value on its own line`,
        v.line,
        v.column - 1,
        `Write \`${sec.key}: value\` on one line`,
      );
    }
    if (sec.known === 'COMPLEXITY') {
      const word = /^[*_`'"]*([A-Za-z]+)/.exec(v.text)?.[1]?.toLowerCase();
      const found = COMPLEXITIES.find((x) => x === word);
      if (!found) {
        this.add(
          'bad-complexity',
          this.strictError,
          `Unknown complexity ${JSON.stringify(v.text.slice(0, 40))}`,
          v.line,
          v.column - 1,
          `One of ${COMPLEXITIES.join(', ')}`,
        );
        return;
      }
      if (this.strict && !v.viaBody && v.text !== found) {
        this.add(
          'non-canonical-heading',
          'error',
          'Complexity is not canonical',
          v.line,
          v.column - 1,
          `Write \`COMPLEXITY: ${found}\``,
        );
      }
      setComplexity(found);
      return;
    }
    const raw = v.text; // already cleaned
    const q = raw[0];
    const quoted = raw.length >= 2 && (q === "'" || q === '"' || q === '`') && raw[raw.length - 1] === q;
    const message = quoted ? raw.slice(1, -1).trim() : raw;
    if (!message) {
      this.add('empty-section', 'warning', 'COMMIT has an empty message', v.line, v.column - 1);
      return;
    }
    if (this.strict && !v.viaBody && !(quoted && q === "'" && raw.slice(1, -1) === message)) {
      this.add(
        'non-canonical-heading',
        'error',
        'Commit message is not in single quotes',
        v.line,
        v.column - 1,
        `Write \`COMMIT: '${message}'\``,
      );
    }
    setCommit(message);
  }

  private readFoundation(
    raw: InstructionItem[],
    where: Map<InstructionItem, ItemPos>,
    headerVersion: Instruction['version'],
  ): Instruction['foundationUpdate'] {
    const result: Instruction['foundationUpdate'] = { addToLog: false, items: [] };
    // Children of a recognised item are read as items of their own (in order), so nothing is lost.
    const queue = raw.slice().reverse();
    while (queue.length > 0) {
      const item = queue.pop()!;
      const p = where.get(item);
      const line = p?.line ?? 1;
      const column = p?.column ?? 1;
      const versionText = matchVersionItem(item.text);
      let recognised = false;
      if (versionText !== undefined) {
        const v = parseVersion(versionText);
        if (!v) {
          this.diags.add(
            'bad-version',
            'warning',
            `Unreadable target version ${JSON.stringify(versionText.slice(0, 40))}; kept as an item`,
            line,
            column,
            'Write `Update to version 2.3`',
          );
        } else if (!result.version) {
          result.version = v;
          recognised = true;
          if (
            this.strict &&
            (item.text !== `${CANONICAL_VERSION_ITEM_PREFIX}${v.text}` || result.addToLog || result.items.length > 0)
          ) {
            this.diags.add(
              'non-canonical-item',
              'error',
              'Target version is not in canonical form',
              line,
              column,
              `Write \`- ${CANONICAL_VERSION_ITEM_PREFIX}${v.text}\` as the first item`,
            );
          }
          if (compareVersions(v, headerVersion) !== 0) {
            this.diags.add(
              'version-mismatch',
              'warning',
              `FOUNDATION UPDATE targets ${v.text} but the header says ${headerVersion.text}`,
              line,
              column,
            );
          }
        } else {
          this.diags.add(
            'duplicate-foundation-version',
            'warning',
            `A second target version (${v.text}); kept as an item`,
            line,
            column,
            'State the target version once',
          );
        }
      } else if (!result.addToLog && isLogItem(item.text)) {
        result.addToLog = true;
        recognised = true;
        if (this.strict && (item.text !== CANONICAL_LOG_ITEM || result.items.length > 0)) {
          this.diags.add(
            'non-canonical-item',
            'error',
            'Session-log request is not in canonical form',
            line,
            column,
            `Write \`- ${CANONICAL_LOG_ITEM}\` right after the target version`,
          );
        }
      }
      if (!recognised) {
        result.items.push(item);
      } else {
        if (this.strict && item.children.length > 0) {
          this.diags.add(
            'non-canonical-item',
            'error',
            'Sub-items under the target version or log request',
            line,
            column,
            'Write them as items of their own',
          );
        }
        for (let c = item.children.length - 1; c >= 0; c--) queue.push(item.children[c]!);
      }
    }
    return result;
  }
}
