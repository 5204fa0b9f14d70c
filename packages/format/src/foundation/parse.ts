/** `parseFoundation`: what a Foundation document says about its version, its next session and its session log. */
import type { Diagnostic, SessionVersion } from '../types.js';
import { compareVersions } from '../version.js';
import { analyzeFoundation, type FoundationAnalysis, highest } from './analyze.js';
import { type CurrentVersion, currentVersion } from './current-version.js';
import type {
  FoundationDocument,
  FoundationLogEntry,
  FoundationParseResult,
  FoundationVersionMarker,
} from './types.js';

/**
 * Reads a Foundation document leniently. Never throws: whatever cannot be read becomes a diagnostic.
 *
 * - `version` is the highest version among the markers that state the current version and the
 *   session log's entries (a marker or log that disagrees is one somebody forgot to bump). It is the
 *   version `applyFoundationUpdate` must move forward from.
 * - Markers that disagree give one `foundation-version-drift` warning listing all of them; a log whose
 *   newest entry is after or before the markers gives `foundation-log-ahead-of-version` or
 *   `foundation-log-behind-version`.
 * - Positions are 1-based; a leading BOM is not counted.
 *
 * @example
 * const { document, diagnostics } = parseFoundation(text);
 * document.version?.text; // '2.22A'
 */
export function parseFoundation(text: string): FoundationParseResult {
  try {
    const analysis = analyzeFoundation(typeof text === 'string' ? text : '');
    const current = currentVersion(analysis);
    return { document: toDocument(analysis, current), diagnostics: diagnose(analysis, current) };
  } catch (error) {
    // A safety net for the never-throws promise; the property tests check it never fires.
    const message = `The document could not be read: ${error instanceof Error ? error.message : String(error)}`;
    return {
      document: { markers: [], log: [] },
      diagnostics: [{ code: 'foundation-unreadable', severity: 'error', message, line: 1, column: 1 }],
    };
  }
}

function toDocument(a: FoundationAnalysis, { version }: CurrentVersion): FoundationDocument {
  const next = a.markers.filter((m) => m.role === 'next').map((m) => m.version);
  const log = a.log?.items.map((item) => item.entry) ?? [];
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

/** Adds a diagnostic, a warning unless it says otherwise. */
type AddDiagnostic = (d: Omit<Diagnostic, 'severity'> & { severity?: Diagnostic['severity'] }) => void;

function describe(m: FoundationVersionMarker): string {
  return `line ${m.line}:${m.column} ${m.kind} (${m.label}) says ${m.raw}`;
}

function diagnose(a: FoundationAnalysis, { version, stated, statedBy, newest }: CurrentVersion): Diagnostic[] {
  const out: Diagnostic[] = [];
  const add: AddDiagnostic = (d) => out.push({ severity: 'warning', ...d });
  if (a.titleIndex === -1) {
    add({ code: 'foundation-no-title', severity: 'info', message: 'No `# Title` heading found.', line: 1, column: 1 });
  }
  const current = a.markers.filter((m) => m.role === 'current');
  const next = a.markers.filter((m) => m.role === 'next');
  if (!stated || !version) {
    add({
      code: 'foundation-no-version',
      message:
        'The document states no current version (no `Current Version:` line, metadata entry, footer or titled version).',
      line: 1,
      column: 1,
      hint: 'Add a line such as `**Current Version:** 0.1` under the title.',
    });
  } else {
    const disagreeing = current.filter((m) => compareVersions(m.version, stated) !== 0);
    if (disagreeing.length > 0) {
      const first = disagreeing[0]!;
      add({
        code: 'foundation-version-drift',
        message: `Version markers disagree (current version taken as ${version.text}, the highest of the markers and the session log): ${current.map(describe).join('; ')}.`,
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
  diagnoseLog(a, add);
  if (stated && statedBy && newest) diagnoseLogDrift(stated, statedBy, newest, add);
  return out;
}

function diagnoseLog(a: FoundationAnalysis, add: AddDiagnostic): void {
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
}

/** The markers and the session log disagree: one of them was not bumped. */
function diagnoseLogDrift(
  stated: SessionVersion,
  statedBy: FoundationVersionMarker,
  newest: FoundationLogEntry,
  add: AddDiagnostic,
): void {
  const c = compareVersions(newest.version, stated);
  if (c > 0) {
    add({
      code: 'foundation-log-ahead-of-version',
      message: `The log's newest session (${newest.version.text}) is after the version the markers state (${stated.text}); the current version is taken as ${newest.version.text}.`,
      line: newest.line,
      column: 1,
      hint: `Bump the markers to ${newest.version.text} (the next applyFoundationUpdate rewrites them all).`,
    });
  } else if (c < 0) {
    add({
      code: 'foundation-log-behind-version',
      message: `The markers state version ${stated.text}, but the log's newest session is ${newest.version.text}; the current version is taken as ${stated.text}.`,
      line: statedBy.line,
      column: statedBy.column,
      hint: `Add session ${stated.text} to the log, or correct the markers if they were bumped by mistake.`,
    });
  }
}
