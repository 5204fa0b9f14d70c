/**
 * One pass over a Foundation document shared by the parser and the editor: lines, title, version
 * markers and the session log, with the positions the editor needs.
 */
import type { SessionVersion } from '../types.js';
import { compareVersions } from '../version.js';
import { readLogSection } from './log-section.js';
import type { LogItem, LogSection } from './log-types.js';
import { fencedLines, headingOf, stripEmphasis } from './markdown.js';
import { markerInHeading, markersInLine } from './markers.js';
import { type SplitText, splitLines } from './text-lines.js';
import type { FoundationVersionMarker } from './types.js';

/** Everything the reader found, positions included. */
export interface FoundationAnalysis {
  split: SplitText;
  /** Line texts (BOM removed from the first). */
  lines: string[];
  fenced: boolean[];
  /** 0-based index of the title heading, -1 when there is none. */
  titleIndex: number;
  title?: string;
  markers: FoundationVersionMarker[];
  log?: LogSection;
  /** Whether the log lists newest entries first. */
  descending: boolean;
}

/** Reads the structure of `text`. Never throws. */
export function analyzeFoundation(text: string): FoundationAnalysis {
  const split = splitLines(text);
  const lines = split.lines.map((l) => l.text);
  const fenced = fencedLines(split.lines);
  const log = readLogSection(lines, fenced);
  const titleIndex = findTitle(lines, fenced);
  const markers: FoundationVersionMarker[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (fenced[i]) continue;
    if (log && i > log.headingIndex && i <= log.contentEnd) continue;
    const line = lines[i]!;
    if (headingOf(line)) {
      const marker = markerInHeading(line, i + 1, i === titleIndex);
      if (marker) markers.push(marker);
    } else {
      markers.push(...markersInLine(line, i + 1));
    }
  }
  const analysis: FoundationAnalysis = {
    split,
    lines,
    fenced,
    titleIndex,
    markers,
    descending: log ? isDescending(log.items) : false,
  };
  if (log) analysis.log = log;
  if (titleIndex !== -1)
    analysis.title = titleText(
      lines[titleIndex]!,
      markers.find((m) => m.line === titleIndex + 1),
    );
  return analysis;
}

/** The first level-1 heading outside code. */
function findTitle(lines: string[], fenced: boolean[]): number {
  return lines.findIndex((line, i) => !fenced[i] && headingOf(line)?.level === 1);
}

/** The title heading's text without its version (`Acme Foundation v2.3` → `Acme Foundation`). */
function titleText(line: string, marker: FoundationVersionMarker | undefined): string {
  const heading = headingOf(line)!;
  let text = heading.text;
  if (marker) {
    const at = marker.column - 1 - heading.textStart;
    const before = text.slice(0, at).replace(/\b(?:version|session)\s*:?\s*[*_`]*$/i, '');
    const after = text.slice(at + marker.raw.length);
    text = `${before}${after}`
      .replace(/\(\s*\)|\[\s*\]/g, '')
      .replace(/\s+/g, ' ')
      .replace(/[\s\-–—:|,(]+$/, '')
      .replace(/^[\s\-–—:|,)]+/, '');
  }
  return stripEmphasis(text);
}

/** Whether most neighbouring entries go from newer to older. */
export function isDescending(items: LogItem[]): boolean {
  let up = 0;
  let down = 0;
  for (let k = 1; k < items.length; k++) {
    const c = compareVersions(items[k - 1]!.entry.version, items[k]!.entry.version);
    if (c < 0) up++;
    else if (c > 0) down++;
  }
  return down > up;
}

/** The highest of some versions. */
export function highest(versions: SessionVersion[]): SessionVersion | undefined {
  let best: SessionVersion | undefined;
  for (const v of versions) if (!best || compareVersions(v, best) > 0) best = v;
  return best;
}
