/**
 * The data model of a session instruction and of its diagnostics.
 * Plain types only; the zod schemas in `schemas.ts` mirror them.
 */

/** How bad a diagnostic is. Errors make strict parsing (and linting) fail. */
export type Severity = 'error' | 'warning' | 'info';

/** A finding about an input text, positioned 1-based on the original text. */
export interface Diagnostic {
  /** Stable machine-readable code, e.g. `missing-objectives`. Documented in docs/format.md. */
  code: string;
  severity: Severity;
  message: string;
  /** 1-based line of the original text. */
  line: number;
  /** 1-based column of the original text. */
  column: number;
  /** A short suggestion of what to write instead. */
  hint?: string;
}

/** One part of a session version: a number with an optional letter split (`22A`). */
export interface VersionPart {
  number: number;
  /** Upper-case letters after the number (`A` in `22A`), or `''`. */
  letter: string;
}

/**
 * A session version as people really number them: `2.3`, `0.12`, `2.9.1`, `2.22A`, `2.25A.1`, `2.29.2H`.
 * `text` is the canonical spelling (no `v` prefix, letters upper-case).
 */
export interface SessionVersion {
  text: string;
  parts: VersionPart[];
}

/** One list item; wrapped lines are joined with a space, sub-bullets become `children`. */
export interface InstructionItem {
  text: string;
  children: InstructionItem[];
}

/** How big the planner judged the work to be (`COMPLEXITY:` line). */
export type Complexity = 'simple' | 'moderate' | 'complex' | 'epic';

/** The FOUNDATION UPDATE section. */
export interface FoundationUpdate {
  /** The version the Foundation document moves to (`Update to version 2.3`), if stated. */
  version?: SessionVersion;
  /** Whether the section asks to add the session to the Foundation's session log. */
  addToLog: boolean;
  /** Any other items of the section, in order. */
  items: InstructionItem[];
}

/** Any other `UPPERCASE:` section (CONTEXT, NOTES, DEPENDENCIES, ...), kept in order. */
export interface ExtraSection {
  /** Upper-case title without the colon, e.g. `CONTEXT`. */
  title: string;
  items: InstructionItem[];
}

/** A parsed session instruction. */
export interface Instruction {
  version: SessionVersion;
  name: string;
  /** `emergency` for `Emergency Session 0.11: ...`. */
  kind: 'standard' | 'emergency';
  objectives: InstructionItem[];
  requirements: InstructionItem[];
  foundationUpdate: FoundationUpdate;
  validation: InstructionItem[];
  /** SUCCESS / SUCCESS CRITERIA items: validation-like, kept apart from VALIDATION. */
  successCriteria: InstructionItem[];
  /** NOT INCLUDED items: what is explicitly out of scope. */
  notIncluded: InstructionItem[];
  complexity?: Complexity;
  extraSections: ExtraSection[];
  /** From a trailing `COMMIT: '...'` line. */
  commitMessage?: string;
}

/** Parser strictness: `strict` accepts only the canonical form; `lenient` accepts what people really write. */
export type ParseMode = 'strict' | 'lenient';

export interface ParseOptions {
  mode?: ParseMode;
}

/** Where one section of an instruction sits in the original text (1-based lines, inclusive). */
export interface SectionSpan {
  /** Canonical section key: `HEADER`, `OBJECTIVES`, `REQUIREMENTS`, `FOUNDATION UPDATE`, `VALIDATION`,
   * `SUCCESS CRITERIA`, `NOT INCLUDED`, `COMPLEXITY`, `COMMIT`, or an extra section's title. */
  title: string;
  /** Line of the section's heading. */
  headingLine: number;
  /** First and last line of the section's body (`endLine < startLine` when the body is empty). */
  startLine: number;
  endLine: number;
}

/** The parser's answer. `instruction` is absent when the text could not be read as an instruction. */
export interface ParseResult {
  instruction?: Instruction;
  diagnostics: Diagnostic[];
  /** Section positions in the original text, in order of appearance, for tools such as the linter. */
  sections: SectionSpan[];
}
