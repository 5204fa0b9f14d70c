/** Recognising section headings (`OBJECTIVES:`, `### Objectives`, `**GOALS:**`) and list items on one line. */
import {
  INSTRUCTION_SECTION_ALIASES,
  isUpperTitle,
  type KnownSection,
  normalizeExtraTitle,
  normalizeTitle,
} from './sections.js';

/** A section heading found on a line. */
export interface HeadingMatch {
  /** Canonical key for known sections, else the normalized upper-case title. */
  key: string;
  known?: KnownSection;
  style: 'plain' | 'markdown' | 'bold';
  /** The title as written (trimmed, without markup and colon). */
  written: string;
  hasColon: boolean;
  /** Whether a space or tab sits between the title and its colon. */
  spaceBeforeColon: boolean;
  /** Text after the colon, trimmed ('' when none). */
  inline: string;
  /** Index in the line text where `inline` starts. */
  inlineIndex: number;
  /** The raw text after the colon, untrimmed (for strict checks of `COMMIT: '...'`). */
  rawAfterColon: string;
}

const MAX_HEADING_TITLE = 40;

/** Reads a section heading starting at `start` (the first non-blank character) of `text`, lenient about markup. */
export function matchHeading(text: string, start: number): HeadingMatch | undefined {
  const first = text.charCodeAt(start);
  // Cheap rejection: a heading starts with '#', '*', '_' or a letter.
  if (!(first === 35 || first === 42 || first === 95 || ((first | 0x20) >= 97 && (first | 0x20) <= 122)))
    return undefined;
  let i = start;
  let style: HeadingMatch['style'] = 'plain';
  if (text.charCodeAt(i) === 35) {
    // '#'
    let hashes = 0;
    while (text.charCodeAt(i) === 35 && hashes < 7) {
      i++;
      hashes++;
    }
    if (hashes > 6) return undefined;
    const c = text.charCodeAt(i);
    if (!(c === 32 || c === 9)) return undefined;
    while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
    style = 'markdown';
  }
  let end = text.length;
  if (style === 'markdown') {
    // Optional closing hashes: "## Title ##".
    let e = end;
    while (e > i && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
    let h = e;
    while (h > i && text.charCodeAt(h - 1) === 35) h--;
    if (h < e && h > i && (text.charCodeAt(h - 1) === 32 || text.charCodeAt(h - 1) === 9)) end = h;
  }
  let titleStart = i;
  let titleEnd: number;
  let afterIndex: number;
  let colon = false;
  let spaceBeforeColon = false;
  const marker = text.startsWith('**', i) ? '**' : text.startsWith('__', i) ? '__' : '';
  if (marker) {
    const close = text.indexOf(marker, i + 2);
    if (close < 0 || close >= end) return undefined;
    if (style === 'plain') style = 'bold';
    titleStart = i + 2;
    titleEnd = close;
    afterIndex = close + 2;
    let t = titleEnd;
    while (t > titleStart && (text.charCodeAt(t - 1) === 32 || text.charCodeAt(t - 1) === 9)) t--;
    if (t > titleStart && text.charCodeAt(t - 1) === 58) {
      colon = true;
      titleEnd = t - 1;
    } else {
      let a = afterIndex;
      while (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 9) a++;
      if (text.charCodeAt(a) === 58) {
        colon = true;
        afterIndex = a + 1;
      }
    }
  } else {
    const k = text.indexOf(':', i);
    if (k >= 0 && k < end && k - i <= MAX_HEADING_TITLE + 2) {
      colon = true;
      titleEnd = k;
      afterIndex = k + 1;
    } else {
      titleEnd = end;
      afterIndex = end;
    }
  }
  let te = titleEnd;
  while (te > titleStart && (text.charCodeAt(te - 1) === 32 || text.charCodeAt(te - 1) === 9)) te--;
  if (colon && te < titleEnd) spaceBeforeColon = true;
  const written = text.slice(titleStart, te).trim();
  if (written.length === 0 || written.length > MAX_HEADING_TITLE) return undefined;
  const normalized = normalizeTitle(written);
  const rawAfter = text.slice(afterIndex, end);
  let inlineIndex = afterIndex;
  while (inlineIndex < end && (text.charCodeAt(inlineIndex) === 32 || text.charCodeAt(inlineIndex) === 9))
    inlineIndex++;
  const inline = text.slice(inlineIndex, end).trimEnd();

  let known = INSTRUCTION_SECTION_ALIASES.get(normalized);
  if (!known && style === 'markdown') known = INSTRUCTION_SECTION_ALIASES.get(normalizeExtraTitle(written) ?? '');
  // A known title with a remark in parentheses: `OBJECTIVES (what to achieve):`.
  const paren = written.indexOf(' (');
  if (!known && paren > 0 && written.endsWith(')'))
    known = INSTRUCTION_SECTION_ALIASES.get(normalizeTitle(written.slice(0, paren)));
  let key: string = known ?? normalized;
  if (known) {
    // A known title: with a colon anywhere, or alone on its line (or any Markdown heading).
    if (style !== 'markdown' && !colon && inline.length > 0) return undefined;
  } else if (style === 'markdown') {
    const extra = normalizeExtraTitle(written);
    if (!extra) return undefined;
    key = extra;
  } else {
    // An unknown title must be written upper-case; without a colon it must stand alone in bold.
    if (!isUpperTitle(written)) return undefined;
    if (!colon && (style !== 'bold' || inline.length > 0)) return undefined;
  }
  const match: HeadingMatch = {
    key,
    style,
    written,
    hasColon: colon,
    spaceBeforeColon,
    inline,
    inlineIndex,
    rawAfterColon: rawAfter,
  };
  if (known) match.known = known;
  return match;
}

/** A list item marker found on a line. */
export interface ItemMatch {
  kind: 'bullet' | 'number';
  /** The marker as written: `-`, `*`, `+`, `•`, `1.`, `2)`. */
  marker: string;
  /** For numbered items, the number. */
  number?: number;
  /** Index of the item text in the line (after the marker and its spaces). */
  textIndex: number;
  /** Number of spaces and tabs between marker and text. */
  gap: number;
}

/** Reads a list item marker at `start` (the first non-blank character). */
export function matchItem(text: string, start: number): ItemMatch | undefined {
  const c = text.charCodeAt(start);
  let markerEnd: number;
  let kind: ItemMatch['kind'];
  let number: number | undefined;
  if (c === 45 || c === 42 || c === 43 || c === 0x2022) {
    // - * + •
    markerEnd = start + 1;
    kind = 'bullet';
  } else if (c >= 48 && c <= 57) {
    let j = start;
    while (j < text.length && j - start < 10 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    const d = text.charCodeAt(j);
    if (j - start > 9 || !(d === 46 || d === 41)) return undefined; // '.' or ')'
    number = Number(text.slice(start, j));
    markerEnd = j + 1;
    kind = 'number';
  } else {
    return undefined;
  }
  const after = text.charCodeAt(markerEnd);
  if (!(Number.isNaN(after) || after === 32 || after === 9)) return undefined;
  let t = markerEnd;
  while (text.charCodeAt(t) === 32 || text.charCodeAt(t) === 9) t++;
  const match: ItemMatch = { kind, marker: text.slice(start, markerEnd), textIndex: t, gap: t - markerEnd };
  if (number !== undefined) match.number = number;
  return match;
}

/** A thematic break or setext underline (`---`, `***`, `___`, `===`): carries no content. */
export function isRule(text: string, start: number): boolean {
  const c = text[start];
  if (c !== '-' && c !== '*' && c !== '_' && c !== '=') return false;
  let count = 0;
  for (let i = start; i < text.length; i++) {
    const d = text[i];
    if (d === c) count++;
    else if (d !== ' ' && d !== '\t') return false;
  }
  return count >= 3;
}
