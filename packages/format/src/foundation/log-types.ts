/**
 * What the log readers remember about each entry beyond the public {@link FoundationLogEntry}:
 * where its fields sit, so a new entry can be written in the same style by rewriting a copy of it.
 */
import type { TableCell } from './markdown.js';
import type { FoundationLogEntry, FoundationLogStyle } from './types.js';

/** A range of a line, 0-based, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

/** Where an entry's first line (heading, bullet or row) states its fields. */
export interface HeadSpans {
  version: Span & { raw: string };
  date?: Span;
  name?: Span;
  status?: Span;
}

/** What a line in an entry's body holds. */
export type BodyKind =
  | 'blank'
  | 'rule'
  | 'status'
  | 'date'
  | 'name'
  | 'summary'
  | 'achievements-label'
  | 'achievement'
  | 'other'
  | 'prose';

export interface BodyLine {
  kind: BodyKind;
  /** 0-based line index in the document. */
  index: number;
  /** For key/value lines: where the value sits. */
  value?: Span;
  /** For bullets: indentation, marker and spacing (`  - `). */
  bulletPrefix?: string;
}

/** What each table column holds. */
export type ColumnRole = 'version' | 'date' | 'name' | 'status' | 'achievements' | 'summary' | 'other';

/** A log table's layout. */
export interface LogTable {
  /** 0-based index of the header row. */
  headerIndex: number;
  /** 0-based index of the delimiter row. */
  separatorIndex: number;
  columns: ColumnRole[];
}

/** One entry as read, with what is needed to write another like it. */
export interface LogItem {
  style: FoundationLogStyle;
  entry: FoundationLogEntry;
  /** 0-based first and last line (inclusive). */
  start: number;
  end: number;
  /** Field positions in the first line (not used for tables). */
  head?: HeadSpans;
  /** The remaining lines of the entry (blocks and list items). */
  body: BodyLine[];
  /** The status as written (`✅ Complete`), `''` when absent. */
  statusRaw: string;
  /** For table rows: the row's cells and the table. */
  cells?: TableCell[];
  table?: LogTable;
}

/** The session log section and what it holds. */
export interface LogSection {
  /** 0-based line of the section heading. */
  headingIndex: number;
  level: number;
  /** 0-based last line of the section's content (trailing blanks, rules and footers excluded). */
  contentEnd: number;
  items: LogItem[];
  /** A table with a header but possibly no rows: new rows go below it. */
  tables: LogTable[];
}
