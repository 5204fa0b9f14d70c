/** `parseFoundation`: what a Foundation document says about its version, its next session and its session log. */
import type { Diagnostic } from '../types.js';
import { compareVersions } from '../version.js';
import { analyzeFoundation, type FoundationAnalysis, highest } from './analyze.js';
import type { FoundationDocument, FoundationParseResult, FoundationVersionMarker } from './types.js';

/**
 * Reads a Foundation document leniently. Never throws: whatever cannot be read becomes a diagnostic.
 *
 * - `version` is the highest version among the markers that state the current version (a marker
 *   that disagrees is one somebody forgot to bump); without markers, the newest log entry's version.
 * - Markers that disagree give one `foundation-version-drift` warning listing all of them.
 * - Positions are 1-based; a leading BOM is not counted.
 *
 * @example
 * const { document, diagnostics } = parseFoundation(text);
 * document.version?.text; // '2.22A'
 */
export function parseFoundation(text: string): FoundationParseResult {
  try {
    const analysis = analyzeFoundation(typeof text === 'string' ? text : '');
    return { document: toDocument(analysis), diagnostics: diagnose(analysis) };
  } catch (error) {
    // A safety net for the never-throws promise; the property tests check it never fires.
    const message = `The document could not be read: ${error instanceof Error ? error.message : String(error)}`;
    return {
      document: { markers: [], log: [] },
      diagnostics: [{ code: 'foundation-unreadable', severity: 'error', message, line: 1, column: 1 }],
    };
  }
}

function toDocument(a: FoundationAnalysis): FoundationDocument {
  const current = a.markers.filter((m) => m.role === 'current').map((m) => m.version);
  const next = a.markers.filter((m) => m.role === 'next').map((m) => m.version);
  const log = a.log?.items.map((item) => item.entry) ?? [];
  const version = highest(current) ?? highest(log.map((e) => e.version));
  const nextSession = highest(next);
  const document: FoundationDocument = { markers: a.markers, log };
  if (a.title !== undefined) document.title = a.title;
  if (version) document.version = version;
  if (nextSession) document.nextSession = nextSession;
  if (a.log) {
    document.logSection = { startLine: a.log.headingIndex + 1, endLine: a.log.contentEnd + 1 };
    const anchor = a.descending ? a.log.items[0] : a.log.items.at(-1);
    if (anchor) document.logStyle = anchor.style;
    else if (a.log.tables.length > 0) document.logStyle = 'table';
  }
  return document;
}

function describe(m: FoundationVersionMarker): string {
  return `line ${m.line}:${m.column} ${m.kind} (${m.label}) says ${m.raw}`;
}

function diagnose(a: FoundationAnalysis): Diagnostic[] {
  const out: Diagnostic[] = [];
  const add = (d: Omit<Diagnostic, 'severity'> & { severity?: Diagnostic['severity'] }) =>
    out.push({ severity: 'warning', ...d });
  if (a.titleIndex === -1) {
    add({ code: 'foundation-no-title', severity: 'info', message: 'No `# Title` heading found.', line: 1, column: 1 });
  }
  const current = a.markers.filter((m) => m.role === 'current');
  const next = a.markers.filter((m) => m.role === 'next');
  const version = highest(current.map((m) => m.version));
  if (!version) {
    add({
      code: 'foundation-no-version',
      message:
        'The document states no current version (no `Current Version:` line, metadata entry, footer or titled version).',
      line: 1,
      column: 1,
      hint: 'Add a line such as `**Current Version:** 0.1` under the title.',
    });
  } else {
    const disagreeing = current.filter((m) => compareVersions(m.version, version) !== 0);
    if (disagreeing.length > 0) {
      const first = disagreeing[0]!;
      add({
        code: 'foundation-version-drift',
        message: `Version markers disagree (current version taken as ${version.text}, the highest): ${current.map(describe).join('; ')}.`,
        line: first.line,
        column: first.column,
        hint: 'Bump every marker together (applyFoundationUpdate does).',
      });
    }
  }
  const nextSession = highest(next.map((m) => m.version));
  if (nextSession) {
    const disagreeing = next.filter((m) => compareVersions(m.version, nextSession) !== 0);
    if (disagreeing.length > 0) {
      add({
        code: 'foundation-next-drift',
        message: `Next-session pointers disagree: ${next.map(describe).join('; ')}.`,
        line: disagreeing[0]!.line,
        column: disagreeing[0]!.column,
      });
    }
    if (version && compareVersions(nextSession, version) <= 0) {
      const m = next.find((n) => compareVersions(n.version, nextSession) === 0)!;
      add({
        code: 'foundation-next-not-ahead',
        message: `The next session (${nextSession.text}) is not after the current version (${version.text}).`,
        line: m.line,
        column: m.column,
      });
    }
  }
  diagnoseLog(a, version?.text, add);
  return out;
}

function diagnoseLog(
  a: FoundationAnalysis,
  version: string | undefined,
  add: (d: Omit<Diagnostic, 'severity'> & { severity?: Diagnostic['severity'] }) => void,
): void {
  if (!a.log) {
    add({
      code: 'foundation-no-log',
      message: 'No session log section found (a heading such as `## Session Log`).',
      line: 1,
      column: 1,
    });
    return;
  }
  const items = a.log.items;
  if (items.length === 0) {
    add({
      code: 'foundation-log-empty',
      severity: 'info',
      message: 'The session log has no entries yet.',
      line: a.log.headingIndex + 1,
      column: 1,
    });
    return;
  }
  const seen = new Map<string, number>();
  for (let k = 0; k < items.length; k++) {
    const entry = items[k]!.entry;
    const earlier = seen.get(entry.version.text);
    if (earlier !== undefined) {
      add({
        code: 'foundation-log-duplicate-version',
        message: `Session ${entry.version.text} appears twice in the log (first on line ${earlier}).`,
        line: entry.line,
        column: 1,
      });
    } else seen.set(entry.version.text, entry.line);
    if (k === 0) continue;
    const c = compareVersions(items[k - 1]!.entry.version, entry.version);
    if ((a.descending && c < 0) || (!a.descending && c > 0)) {
      add({
        code: 'foundation-log-out-of-order',
        message: `Session ${entry.version.text} is out of order: the log runs ${a.descending ? 'newest first' : 'oldest first'}, but it follows ${items[k - 1]!.entry.version.text}.`,
        line: entry.line,
        column: 1,
      });
    }
  }
  const newest = items.reduce((best, item) =>
    compareVersions(item.entry.version, best.entry.version) > 0 ? item : best,
  );
  if (version && compareVersions(newest.entry.version, version) > 0) {
    add({
      code: 'foundation-log-ahead-of-version',
      message: `The log's newest session (${newest.entry.version.text}) is after the document's version (${version}).`,
      line: newest.entry.line,
      column: 1,
    });
  }
}
