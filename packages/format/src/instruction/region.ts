/**
 * Finding the instruction inside its input: the header line, and the lines that belong to the instruction
 * once a code fence or a `claude-code "..."` wrapper and surrounding prose are set aside.
 */
import type { DiagnosticCollector } from './diagnostics.js';
import { findFenceClosers, matchFence } from './fences.js';
import { type HeaderMatch, type HeaderProblem, matchHeader } from './header.js';
import { isBlank, type SourceLine, trimmedEnd } from './lines.js';

/** Where the instruction sits in the input. */
export interface Region {
  header: HeaderMatch;
  headerLine: SourceLine;
  /** The lines after the header that belong to the instruction (wrapper lines stripped). */
  body: SourceLine[];
  /** Wrappers that were taken off, outermost first. */
  wrappers: Array<{ kind: 'fence' | 'claude-code'; line: SourceLine; column: number }>;
  /** Quote character whose backslash escapes are undone in texts (inside `claude-code "..."`). */
  unescapeQuote?: string;
  /** First non-blank line before the header that is not a wrapper line. */
  proseBefore?: SourceLine;
  /** First non-blank line after the region's end (after a wrapper was closed). */
  proseAfter?: SourceLine;
}

/** The result of looking for the header. */
export type RegionResult =
  | { found: true; region: Region }
  | { found: false; problem?: { line: SourceLine; p: HeaderProblem } };

const CLAUDE_CODE = /^[ \t]*(?:\$[ \t]+)?claude-code[ \t]+(?:-[^\s"']*[ \t]+)*(["'])/;

/** Looks for the first readable header, descending into code fences and `claude-code` wrappers. */
export function findRegion(
  lines: SourceLine[],
  diags: DiagnosticCollector,
  strict: boolean,
  mayHaveFences: boolean,
): RegionResult {
  const closers = findFenceClosers(lines, mayHaveFences);
  let quoteEnds: [Int32Array, Int32Array] | undefined;
  let firstProblem: { line: SourceLine; p: HeaderProblem } | undefined;
  let firstProse: SourceLine | undefined;

  const scan = (from: number, to: number, inFence: SourceLine | undefined, fenceIndent: number): Region | undefined => {
    for (let i = from; i <= to; i++) {
      const line = lines[i]!;
      if (isBlank(line.text)) continue;
      if (!inFence && closers[i]! !== -2) {
        const close = closers[i]!;
        if (close === -1 || close > to) {
          diags.add(
            'unterminated-fence',
            strict ? 'error' : 'warning',
            'Code fence is never closed',
            line.line,
            line.col0 + (matchFence(line.text)?.indent ?? 0) + 1,
            'Close the fence with a line of the same backticks or tildes, or remove it',
          );
          firstProse ??= line;
          continue;
        }
        const indent = matchFence(line.text)?.indent ?? 0;
        const inner = scan(i + 1, close - 1, line, indent);
        if (inner) {
          inner.wrappers.unshift({ kind: 'fence', line, column: line.col0 + indent + 1 });
          inner.proseAfter ??= firstNonBlank(lines, close + 1, lines.length - 1);
          return inner;
        }
        firstProse ??= line;
        i = close;
        continue;
      }
      const cc = line.text.includes('claude-code') ? CLAUDE_CODE.exec(line.text) : null;
      if (cc) {
        const q = cc[1]!;
        const openAt = cc[0].length; // index just after the opening quote
        quoteEnds ??= lastQuoteLines(lines);
        const lastQ = quoteEnds[q === '"' ? 0 : 1][to]!;
        let closeIndex = -1;
        if (
          lastQ > i ||
          (lastQ === i && trimmedEnd(line.text) - 1 >= openAt && !escaped(line.text, trimmedEnd(line.text) - 1))
        )
          closeIndex = lastQ;
        const end = closeIndex === -1 ? to : closeIndex;
        const wrapped: SourceLine[] = [];
        for (let k = i; k <= end; k++) {
          const src = strip(lines[k]!, inFence ? fenceIndent : 0);
          let text = src.text;
          let col0 = src.col0;
          let startCut = 0;
          if (k === i) {
            startCut = openAt - (line.text.length - text.length);
            text = text.slice(startCut);
            col0 += startCut;
          }
          if (k === closeIndex) {
            const e = trimmedEnd(text);
            text = text.slice(0, e - 1);
          }
          wrapped.push({ text, line: src.line, col0 });
        }
        const headerAt = findHeaderIn(wrapped);
        if (headerAt.index >= 0) {
          if (closeIndex === -1) {
            diags.add(
              'unterminated-wrapper',
              strict ? 'error' : 'warning',
              `claude-code ${q}...${q} wrapper is never closed`,
              line.line,
              line.col0 + openAt,
              `End the instruction with ${q}`,
            );
          }
          const hl = wrapped[headerAt.index]!;
          for (let k = 0; k < headerAt.index; k++) if (!isBlank(wrapped[k]!.text)) firstProse ??= wrapped[k]!;
          return {
            header: headerAt.match!,
            headerLine: hl,
            body: wrapped.slice(headerAt.index + 1),
            wrappers: [
              { kind: 'claude-code', line, column: line.col0 + (cc[0].length - cc[0].trimStart().length) + 1 },
            ],
            unescapeQuote: q,
            ...(firstProse ? { proseBefore: firstProse } : {}),
            ...(closeIndex >= 0 && firstNonBlank(lines, closeIndex + 1, to)
              ? { proseAfter: firstNonBlank(lines, closeIndex + 1, to)! }
              : {}),
          };
        }
        if (headerAt.problem) firstProblem ??= headerAt.problem;
        firstProse ??= line;
        i = end;
        continue;
      }
      const src = inFence ? strip(line, fenceIndent) : line;
      const m = matchHeader(src.text);
      if (m?.ok) {
        return {
          header: m,
          headerLine: src,
          body: inFence ? lines.slice(i + 1, to + 1).map((l) => strip(l, fenceIndent)) : lines.slice(i + 1, to + 1),
          wrappers: [],
          ...(firstProse ? { proseBefore: firstProse } : {}),
        };
      }
      if (m) firstProblem ??= { line: src, p: m };
      firstProse ??= line;
    }
    return undefined;
  };

  const region = scan(0, lines.length - 1, undefined, 0);
  if (region) return { found: true, region };
  return firstProblem ? { found: false, problem: firstProblem } : { found: false };
}

function findHeaderIn(lines: SourceLine[]): {
  index: number;
  match?: HeaderMatch;
  problem?: { line: SourceLine; p: HeaderProblem };
} {
  let problem: { line: SourceLine; p: HeaderProblem } | undefined;
  for (let k = 0; k < lines.length; k++) {
    const m = matchHeader(lines[k]!.text);
    if (m?.ok) return { index: k, match: m };
    if (m && !problem) problem = { line: lines[k]!, p: m };
  }
  return problem ? { index: -1, problem } : { index: -1 };
}

/** Removes up to `indent` leading spaces (the indentation of an enclosing fence). */
function strip(line: SourceLine, indent: number): SourceLine {
  if (indent === 0) return line;
  let k = 0;
  while (k < indent && line.text.charCodeAt(k) === 32) k++;
  return k === 0 ? line : { text: line.text.slice(k), line: line.line, col0: line.col0 + k };
}

function firstNonBlank(lines: SourceLine[], from: number, to: number): SourceLine | undefined {
  for (let k = from; k <= to && k < lines.length; k++) if (!isBlank(lines[k]!.text)) return lines[k];
  return undefined;
}

function escaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let k = index - 1; k >= 0 && text.charCodeAt(k) === 92; k--) backslashes++;
  return backslashes % 2 === 1;
}

/** For `"` and `'`: at each line index, the last line at or before it whose text ends with an unescaped quote. */
function lastQuoteLines(lines: SourceLine[]): [Int32Array, Int32Array] {
  const dq = new Int32Array(lines.length);
  const sq = new Int32Array(lines.length);
  let lastD = -1;
  let lastS = -1;
  for (let k = 0; k < lines.length; k++) {
    const t = lines[k]!.text;
    const e = trimmedEnd(t) - 1;
    if (e >= 0 && !escaped(t, e)) {
      if (t.charCodeAt(e) === 34) lastD = k;
      else if (t.charCodeAt(e) === 39) lastS = k;
    }
    dq[k] = lastD;
    sq[k] = lastS;
  }
  return [dq, sq];
}
