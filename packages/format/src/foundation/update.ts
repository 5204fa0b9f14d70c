/**
 * `applyFoundationUpdate`: bump every version marker, move the next-session pointer, add the session
 * to the log, and leave every other byte of the document as it was.
 */
import type { SessionVersion } from '../types.js';
import { compareVersions, parseVersion } from '../version.js';
import { analyzeFoundation, type FoundationAnalysis } from './analyze.js';
import { currentVersion } from './current-version.js';
import { normalizeDate, todayIso } from './dates.js';
import { FoundationUpdateError } from './errors.js';
import type { LogItem } from './log-types.js';
import { isBlank, isThematicBreak } from './markdown.js';
import { isFooterLine } from './markers.js';
import { canonicalBlock, type NewEntry, renderFirstRow, renderLike } from './render-entry.js';
import { joinLines, type TextLine } from './text-lines.js';
import type { FoundationUpdateInput } from './types.js';
import { spellLike } from './version-token.js';

/** Reads a version argument, or throws `foundation.bad_version`. */
export function requireVersion(value: SessionVersion | string | undefined, what: string): SessionVersion {
  const text = typeof value === 'string' ? value : typeof value?.text === 'string' ? value.text : '';
  const version = parseVersion(text);
  if (!version) {
    throw new FoundationUpdateError(
      'foundation.bad_version',
      `${what} is not a session version: ${JSON.stringify(String(text).slice(0, 80))}`,
    );
  }
  return version;
}

/** Text that must stay on one line of the document. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * Returns `text` with the update applied:
 * - every marker of the current version (`Current Version:` line, metadata, footer, titled heading)
 *   rewritten to `version`, each keeping its own `v` prefix or lack of one;
 * - every next-session pointer rewritten to `next` when it is given (left alone otherwise);
 * - the entry added to the session log in the log's own style (table row, heading block or bullet),
 *   after the newest entry (before it when the log runs newest first); a canonical `## Session Log`
 *   section is added (before a trailing footer) when the document has none;
 * - a `**Current Version:**` line added under the title when the document states no version at all.
 *
 * Every other byte is unchanged: BOM, line endings (new lines use the document's), a missing final newline.
 *
 * @throws {FoundationUpdateError} `foundation.bad_version` when `version` or `next` is not a version;
 * `foundation.version_not_forward` when `version` is not strictly after the current version, the one
 * `parseFoundation` reports as `document.version` (the highest of the markers and the log's entries);
 * `foundation.next_not_ahead` when `next` is not after `version`; `foundation.bad_entry` when the entry
 * has no name.
 */
export function applyFoundationUpdate(text: string, update: FoundationUpdateInput): string {
  const version = requireVersion(update.version, 'The new version');
  const next = update.next === undefined ? undefined : requireVersion(update.next, 'The next session');
  const name = oneLine(update.entry?.name ?? '');
  if (name === '') throw new FoundationUpdateError('foundation.bad_entry', 'The session log entry needs a name.');
  const a = analyzeFoundation(text);
  const current = currentVersion(a).version;
  if (current && compareVersions(version, current) <= 0) {
    throw new FoundationUpdateError(
      'foundation.version_not_forward',
      `Version ${version.text} does not move forward from the current version ${current.text}.`,
    );
  }
  if (next && compareVersions(next, version) <= 0) {
    throw new FoundationUpdateError(
      'foundation.next_not_ahead',
      `The next session ${next.text} is not after ${version.text}.`,
    );
  }
  const entry: NewEntry = {
    version,
    name,
    date: update.entry.date ? normalizeDate(oneLine(update.entry.date)) : todayIso(),
    status: oneLine(update.entry.status ?? '') || 'completed',
    achievements: (update.entry.achievements ?? []).map(oneLine).filter(Boolean),
  };
  const summary = update.entry.summary ? oneLine(update.entry.summary) : '';
  if (summary) entry.summary = summary;

  const edits = new Edits(a);
  rewriteMarkers(a, edits, version, next);
  addLogEntry(a, edits, entry);
  return edits.apply();
}

/** Line replacements and insertions, applied in one pass so indexes stay those of the original. */
class Edits {
  private readonly replaced = new Map<number, string>();
  private readonly inserted = new Map<number, string[]>();

  constructor(private readonly a: FoundationAnalysis) {}

  replace(index: number, text: string): void {
    this.replaced.set(index, text);
  }

  /** Inserts lines after line `index` (-1: at the very top). */
  insertAfter(index: number, lines: string[]): void {
    this.inserted.set(index, [...(this.inserted.get(index) ?? []), ...lines]);
  }

  apply(): string {
    const { split } = this.a;
    const out: TextLine[] = [];
    const add = (index: number) => {
      for (const text of this.inserted.get(index) ?? []) out.push({ text, eol: split.eol });
    };
    add(-1);
    split.lines.forEach((line, i) => {
      out.push({ text: this.replaced.get(i) ?? line.text, eol: line.eol });
      add(i);
    });
    // Keep a missing final newline missing: the last line of the result has no line ending.
    if (split.lines.at(-1)?.eol === '') {
      for (const line of out) if (line.eol === '') line.eol = split.eol;
      out.at(-1)!.eol = '';
    }
    return joinLines({ bom: split.bom, eol: split.eol, lines: out });
  }
}

function rewriteMarkers(
  a: FoundationAnalysis,
  edits: Edits,
  version: SessionVersion,
  next: SessionVersion | undefined,
): void {
  const byLine = new Map<number, typeof a.markers>();
  for (const m of a.markers) {
    if (m.role === 'next' && !next) continue;
    byLine.set(m.line, [...(byLine.get(m.line) ?? []), m]);
  }
  for (const [line, markers] of byLine) {
    let text = a.lines[line - 1]!;
    for (const m of [...markers].sort((x, y) => y.column - x.column)) {
      const to = m.role === 'next' ? next! : version;
      text = text.slice(0, m.column - 1) + spellLike(m.raw, to) + text.slice(m.column - 1 + m.raw.length);
    }
    edits.replace(line - 1, text);
  }
  if (!a.markers.some((m) => m.role === 'current')) {
    const line = `**Current Version:** ${version.text}`;
    if (a.titleIndex !== -1) edits.insertAfter(a.titleIndex, ['', line]);
    else edits.insertAfter(-1, [line, '']);
  }
}

function addLogEntry(a: FoundationAnalysis, edits: Edits, entry: NewEntry): void {
  const log = a.log;
  if (!log) {
    addLogSection(a, edits, entry);
    return;
  }
  const items = log.items;
  const statuses = items.map((item) => item.statusRaw);
  const anchor = a.descending ? items[0] : items.at(-1);
  if (anchor) {
    const rendered = renderLike(anchor, entry, a.lines, statuses);
    const gap = gapLines(a, anchor);
    if (a.descending) edits.insertAfter(anchor.start - 1, [...rendered, ...gap]);
    else edits.insertAfter(anchor.end, [...gap, ...rendered]);
    return;
  }
  const table = log.tables[0];
  if (table) {
    edits.insertAfter(table.separatorIndex, [renderFirstRow(table, entry)]);
    return;
  }
  edits.insertAfter(log.contentEnd, ['', ...canonicalBlock(entry, log.level + 1)]);
}

/** The lines between the anchor and its neighbour (blank lines, a rule), so the new entry is spaced alike. */
function gapLines(a: FoundationAnalysis, anchor: LogItem): string[] {
  const items = a.log!.items;
  const k = items.indexOf(anchor);
  const neighbour = a.descending ? items[k + 1] : items[k - 1];
  const fallback = anchor.style === 'blocks' ? [''] : [];
  if (!neighbour || neighbour.style !== anchor.style) return fallback;
  const [from, to] = a.descending ? [anchor.end + 1, neighbour.start - 1] : [neighbour.end + 1, anchor.start - 1];
  const gap = a.lines.slice(from, to + 1);
  return gap.every((line) => isBlank(line) || isThematicBreak(line))
    ? gap.map((line) => (isBlank(line) ? '' : line))
    : fallback;
}

/** Adds the canonical `## Session Log` section at the end, before a trailing footer (and its rule). */
function addLogSection(a: FoundationAnalysis, edits: Edits, entry: NewEntry): void {
  const section = ['## Session Log', '', ...canonicalBlock(entry, 3)];
  let end = a.lines.length - 1;
  while (end >= 0 && isBlank(a.lines[end]!)) end--;
  let start = end;
  while (start >= 0 && !a.fenced[start] && isFooterLine(a.lines[start]!)) start--;
  if (start < end) {
    // A footer ends the document: the log goes above it and above the rule over it.
    let top = start;
    while (top >= 0 && isBlank(a.lines[top]!)) top--;
    if (top >= 0 && isThematicBreak(a.lines[top]!)) start = top - 1;
    const spaced = start < 0 || isBlank(a.lines[start]!) ? section : ['', ...section];
    edits.insertAfter(start, [...spaced, '']);
    return;
  }
  const last = a.lines.length - 1;
  edits.insertAfter(last, isBlank(a.lines[last]!) ? section : ['', ...section]);
}
