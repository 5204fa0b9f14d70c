import type { Diagnostic, Instruction } from '@sessionhub/format';
import type { Verdict } from '../model/report.js';
import type { IssueRef } from '../model/session.js';
import type { Usage } from '../model/usage.js';
import type { LibraryHit } from './store.js';

/** Everything a planner is given to write an instruction. */
export interface PlanInput {
  sessionId: string;
  /** `initial` for a new session, `fix` after a failed verdict. */
  kind: 'initial' | 'fix';
  /** The user's request, in words. For an issue, its title and body. */
  request: string;
  issue?: IssueRef;
  /** The version the instruction should carry (the Foundation's next version), when known. */
  nextVersion?: string;
  /** The workspace's Foundation document, when there is one. */
  foundation?: { path: string; text: string; version?: string };
  /** Relevant successful past sessions. */
  library: LibraryHit[];
  /** For `fix`: the instruction that failed, its verdict and which fix attempt this is (1-based). */
  failed?: { instructionText: string; verdict: Verdict; attempt: number };
  /** For a re-ask: the planner's previous text and the boundary diagnostics it broke. */
  rejected?: { text: string; diagnostics: Diagnostic[] };
}

/** What a planner wrote. */
export interface PlanResult {
  /** The instruction text exactly as written. */
  text: string;
  /** The parsed instruction, when the planner parsed it itself. The engine re-parses `text` regardless. */
  instruction?: Instruction;
  usage: Usage;
}

/** Options of `Planner.plan`. */
export interface PlanOptions {
  signal: AbortSignal;
  /**
   * Reports model usage as it is incurred, once per model call (see `ExecuteOptions.reportUsage`).
   * The result's `usage` stays the call's total; the engine records only what was not already reported.
   */
  reportUsage?: (usage: Usage) => void;
}

/**
 * The Planner actor: turns a request, an issue or a failed verdict into a session instruction.
 * It states what to achieve, never how; the engine lints its output and re-asks on violations.
 */
export interface Planner {
  readonly specificationVersion: 1;
  readonly name: string;
  plan(input: PlanInput, opts: PlanOptions): Promise<PlanResult>;
}
