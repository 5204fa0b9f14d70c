/**
 * The data model of a parsed Foundation document. Plain types; `schemas.ts` mirrors them in zod.
 */
import type { Diagnostic, SessionVersion } from '../types.js';

/**
 * Where a version marker sits:
 * - `current-version-line`: a `Current Version: 2.3` line (bold, bulleted or quoted forms included);
 * - `metadata`: a key/value line such as `- Version: 2.21`, `**Last Session:** 2.21` or `- Next Session: 2.22`;
 * - `footer`: one segment of a `Version v2.3 | Session 2.3 | Next 2.4` line;
 * - `heading`: the title heading (`# Project Foundation v2.3`) or a heading about the current state
 *   (`## Current Status (v2.3)`).
 */
export type FoundationMarkerKind = 'current-version-line' | 'metadata' | 'footer' | 'heading';

/** What a marker states: the document's current version, or the next session's version. */
export type FoundationMarkerRole = 'current' | 'next';

/** One place where the document states a version. */
export interface FoundationVersionMarker {
  kind: FoundationMarkerKind;
  role: FoundationMarkerRole;
  /** 1-based line of the version text. */
  line: number;
  /** 1-based column where the version text starts (its `v` prefix included). */
  column: number;
  /** The version exactly as written, e.g. `v2.22A`. */
  raw: string;
  version: SessionVersion;
  /** The label the marker was found by, e.g. `Current Version`, `Version`, `Next`. */
  label: string;
}

/** How the session log is written, detected from the document. */
export type FoundationLogStyle = 'table' | 'blocks' | 'list';

/** One entry of the session log. */
export interface FoundationLogEntry {
  version: SessionVersion;
  /** ISO `YYYY-MM-DD` when the date is recognisable, else the raw text; `''` when the entry has none. */
  date: string;
  /** The session's name, e.g. `Auth Hardening`; `''` when the entry has none. */
  name: string;
  /**
   * `completed`, `failed`, `in-progress`, `partial` or `cancelled` when recognised (`✅ Complete`,
   * `Done`, `❌ Failed`, `WIP`, ...), otherwise the free text as written; `''` when absent.
   */
  status: string;
  /** Key achievements, one per bullet (or per `;`/`<br>`-separated part of a table cell). */
  achievements: string[];
  /** Free text that is neither status nor achievement (a table's Summary/Notes cell, a paragraph). */
  summary?: string;
  /** 1-based first line of the entry. */
  line: number;
  /** 1-based last line of the entry (inclusive). */
  endLine: number;
}

/** A parsed Foundation document. */
export interface FoundationDocument {
  /** The first heading's text, without a trailing version (`# Acme Foundation v2.3` → `Acme Foundation`). */
  title?: string;
  /**
   * The authoritative current version: the highest version among the `current` markers and the session
   * log's entries (markers and log lag when someone forgets to update them, so the highest one was
   * written last). `applyFoundationUpdate` requires a new version strictly after this one.
   */
  version?: SessionVersion;
  /** Every version marker, in document order (both roles). */
  markers: FoundationVersionMarker[];
  /** The next session's version: the highest `next` marker, if any. */
  nextSession?: SessionVersion;
  /** Session log entries in document order. */
  log: FoundationLogEntry[];
  /** How the log is written, when there is a log section with entries. */
  logStyle?: FoundationLogStyle;
  /** The log section's lines (1-based, inclusive), heading included. */
  logSection?: { startLine: number; endLine: number };
}

/** What {@link parseFoundation} returns. */
export interface FoundationParseResult {
  document: FoundationDocument;
  diagnostics: Diagnostic[];
}

/** The session to add to the log in {@link applyFoundationUpdate}. */
export interface FoundationEntryInput {
  name: string;
  /** ISO date; defaults to today (UTC). */
  date?: string;
  /** Defaults to `completed`. */
  status?: string;
  achievements?: string[];
  /** Free text written where the log keeps summaries (a table's Summary column); otherwise ignored. */
  summary?: string;
}

/** The change {@link applyFoundationUpdate} makes. */
export interface FoundationUpdateInput {
  /** The new current version; must be strictly greater than the document's current version. */
  version: SessionVersion | string;
  entry: FoundationEntryInput;
  /** When given, every next-session pointer is rewritten to it. */
  next?: SessionVersion | string;
}

/** Input of {@link createFoundation}. */
export interface CreateFoundationOptions {
  title: string;
  version: SessionVersion | string;
  /** A paragraph under the title. */
  description?: string;
  /** Defaults to the next minor version (`2.3` → `2.4`). */
  nextSession?: SessionVersion | string;
  /** The line ending to write; defaults to `'\n'`. */
  eol?: '\n' | '\r\n';
}
