/** The section being read: its span, its item tree under construction, and what was seen in it so far. */
import type { InstructionItem, SectionSpan } from '../types.js';
import type { SourceLine } from './lines.js';
import type { KnownSection } from './sections.js';

/** An open item of a section's tree: where it sits, so a later line can nest under it. */
export interface OpenItem {
  indent: number;
  /** Indentation width where the item's text starts (where canonical sub-items go). */
  contentIndent: number;
  item: InstructionItem;
}

/** Where an item sits, kept for FOUNDATION UPDATE items so diagnostics about them can point at them. */
export interface ItemPosition {
  line: number;
  column: number;
}

/** The value of a COMPLEXITY or COMMIT section, as written. */
export interface SectionValue {
  text: string;
  line: SourceLine;
  column: number;
  /** Whether it was written on the line after the heading rather than on the heading line. */
  viaBody: boolean;
}

/** A section from its heading until the next heading or the end of the instruction. */
export interface OpenSection {
  key: string;
  known?: KnownSection;
  span: SectionSpan;
  headingLine: SourceLine;
  headingColumn: number;
  /** The top-level items (shared with earlier sections of the same kind: duplicates are merged). */
  items: InstructionItem[];
  /** The open items, outermost first. */
  stack: OpenItem[];
  /** Where each item was written, for FOUNDATION UPDATE only. */
  positions?: Map<InstructionItem, ItemPosition>;
  /** Value of COMPLEXITY / COMMIT sections. */
  value?: SectionValue;
  /** Whether it is a COMPLEXITY or COMMIT section, which hold one value rather than items. */
  isValue: boolean;
  /** Whether it is the last section of the instruction (prose after its list ends the instruction). */
  isLast: boolean;
  hasList: boolean;
  lastContentLine: number;
  contentCount: number;
  deepWarned: boolean;
}
