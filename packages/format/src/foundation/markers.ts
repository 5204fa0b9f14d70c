/**
 * Finding the places where a Foundation document states its version: `Current Version:` lines,
 * metadata key/value lines and rows, `Version v2.3 | Session 2.3 | Next 2.4` footers and headings.
 */
import { parseVersion } from '../version.js';
import { bulletOf, headingOf, isTableRow, stripEmphasis, tableCells } from './markdown.js';
import type { FoundationMarkerKind, FoundationMarkerRole, FoundationVersionMarker } from './types.js';
import { findVersionTokens, VERSION_TOKEN_SOURCE } from './version-token.js';

/** Labels that state the current version, lower-case with single spaces. */
const CURRENT_LABELS = new Set([
  'version',
  'current version',
  'current foundation version',
  'foundation',
  'foundation version',
  'document version',
  'doc version',
  'project version',
  'latest version',
  'session',
  'current session',
  'last session',
  'latest session',
  'last completed session',
]);

/** Labels that point at the next session. */
const NEXT_LABELS = new Set(['next', 'next session', 'next version', 'next planned session', 'upcoming session']);

const EMPH = String.raw`(?:\*{1,2}|_{1,2})?`;
/** `Label: v2.3`, `**Label:** 2.3`, `**Label**: 2.3`, `Label 2.3` (colon optional only where allowed). */
const SEGMENT = new RegExp(
  String.raw`^\s*${EMPH}\s*([A-Za-z][A-Za-z ]{0,40}?)\s*${EMPH}\s*(:)?\s*${EMPH}\s*\`?(${VERSION_TOKEN_SOURCE})`,
  'd',
);
/** Line prefixes that do not change what a line states: indentation, quotes, list markers. */
const LINE_PREFIX = /^\s*(?:>\s*)*(?:(?:[-*+]|\d{1,9}[.)])\s+)?/;
/** Footer segment separators. */
const SEPARATOR = /\s[|·•]\s|\s[|·•]$|^[|·•]\s/g;

/** A labelled version found in part of a line. */
interface LabelHit {
  label: string;
  role: FoundationMarkerRole;
  start: number;
  raw: string;
  /** Whether the label was followed by a colon (`Version: 2.3`). */
  colon: boolean;
}

/** Reads `Label: version` at the start of `segment`; `offset` is where the segment sits in its line. */
function readSegment(segment: string, offset: number, colonRequired: boolean): LabelHit | undefined {
  const m = SEGMENT.exec(segment);
  if (!m?.indices) return undefined;
  if (colonRequired && m[2] === undefined) return undefined;
  const label = m[1]!.trim().replace(/\s+/g, ' ');
  const key = label.toLowerCase();
  const role: FoundationMarkerRole | undefined = CURRENT_LABELS.has(key)
    ? 'current'
    : NEXT_LABELS.has(key)
      ? 'next'
      : undefined;
  // Version-shaped is not enough: `1.2.3.4.5.6.7.8.9` has too many parts to be a version.
  if (!role || !parseVersion(m[3]!)) return undefined;
  const [start] = m.indices[3]!;
  return { label, role, start: offset + start, raw: m[3]!, colon: m[2] !== undefined };
}

function kindFor(label: string, fallback: FoundationMarkerKind): FoundationMarkerKind {
  return /^current (?:foundation )?version$/i.test(label) ? 'current-version-line' : fallback;
}

/** Splits a line into footer segments at ` | `, ` · `, ` • `, with their offsets. */
function segmentsOf(body: string, offset: number): { text: string; offset: number }[] {
  const parts: { text: string; offset: number }[] = [];
  let start = 0;
  for (const m of body.matchAll(SEPARATOR)) {
    parts.push({ text: body.slice(start, m.index), offset: offset + start });
    start = m.index + m[0].length;
  }
  parts.push({ text: body.slice(start), offset: offset + start });
  return parts.filter((p) => p.text.trim() !== '');
}

/**
 * Version markers stated by one line (not a heading, not in code, not in the session log).
 * A line of two or more segments (`Version v2.3 | Session 2.3 | Next 2.4`) is a footer; a single
 * `Label: version` line is metadata (or the `Current Version:` line); a key/value table row is metadata.
 */
export function markersInLine(text: string, line: number): FoundationVersionMarker[] {
  if (isTableRow(text)) return markersInTableRow(text, line);
  // Indented four spaces and not a list item: code or a continuation, not a statement of the version.
  if (/^(?: {4}|\t)/.test(text) && !bulletOf(text)) return [];
  const prefix = LINE_PREFIX.exec(text)?.[0] ?? '';
  const body = text.slice(prefix.length);
  const segments = segmentsOf(body, prefix.length);
  const hits: { hit: LabelHit; kind: FoundationMarkerKind }[] = [];
  if (segments.length >= 2) {
    for (const seg of segments) {
      const hit = readSegment(seg.text, seg.offset, false);
      if (hit) hits.push({ hit, kind: kindFor(hit.label, 'footer') });
    }
  } else {
    const wholeEmphasis = /^\s*[*_].*[*_]\s*$/.test(body);
    const hit = readSegment(body, prefix.length, !wholeEmphasis);
    // `*Version 2.3*` alone on a line reads as a footer; `Version: 2.3` as metadata.
    if (hit) hits.push({ hit, kind: kindFor(hit.label, hit.colon ? 'metadata' : 'footer') });
  }
  return hits.map(({ hit, kind }) => toMarker(hit, kind, line));
}

/** `| Version | 2.21 |` or `| **Next Session** | 2.22 |` in a key/value table. */
function markersInTableRow(text: string, line: number): FoundationVersionMarker[] {
  const cells = tableCells(text);
  if (!cells || cells.length < 2) return [];
  const key = stripEmphasis(cells[0]!.text).replace(/:$/, '').replace(/\s+/g, ' ');
  const role = CURRENT_LABELS.has(key.toLowerCase()) ? 'current' : NEXT_LABELS.has(key.toLowerCase()) ? 'next' : '';
  if (!role) return [];
  const value = cells[1]!;
  const token = findVersionTokens(value.text)[0];
  if (!token || stripEmphasis(value.text.slice(0, token.start)) !== '') return [];
  const hit: LabelHit = { label: key, role, start: value.start + token.start, raw: token.raw, colon: true };
  return [toMarker(hit, kindFor(key, 'metadata'), line)];
}

/**
 * A version marker in a heading: in the document's title (`# Acme Foundation v2.3`,
 * `# Foundation (Version 2.3)`) or in a heading about the current state (`## Current Status: v2.3`).
 * The version must carry a `v` prefix or follow `Version`/`Session`.
 */
export function markerInHeading(text: string, line: number, isTitle: boolean): FoundationVersionMarker | undefined {
  const heading = headingOf(text);
  if (!heading) return undefined;
  if (!isTitle && !/\bcurrent\b/i.test(heading.text)) return undefined;
  for (const token of findVersionTokens(heading.text)) {
    const before = heading.text.slice(0, token.start);
    const labelled = /\b(version|session)\s*:?\s*[*_`]*$/i.exec(before);
    if (/^[vV]/.test(token.raw) || labelled) {
      const label = labelled ? labelled[1]! : 'v';
      const hit: LabelHit = {
        label,
        role: 'current',
        start: heading.textStart + token.start,
        raw: token.raw,
        colon: false,
      };
      return toMarker(hit, 'heading', line);
    }
  }
  return undefined;
}

function toMarker(hit: LabelHit, kind: FoundationMarkerKind, line: number): FoundationVersionMarker {
  const version = parseVersion(hit.raw)!;
  return { kind, role: hit.role, line, column: hit.start + 1, raw: hit.raw, version, label: hit.label };
}

/** Whether a line is a footer: two or more segments of which at least one is a version marker. */
export function isFooterLine(text: string): boolean {
  if (isTableRow(text) || headingOf(text)) return false;
  const prefix = LINE_PREFIX.exec(text)?.[0] ?? '';
  if (prefix.trim() !== '' && !/^\s*>/.test(prefix)) return false;
  return markersInLine(text, 0).some((m) => m.kind === 'footer');
}
