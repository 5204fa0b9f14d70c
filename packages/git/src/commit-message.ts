import type { Verdict } from '@sessionhub/core';
import { parseInstruction } from '@sessionhub/format';

/** Trailer keys SessionHub writes; commits and deploy records are found again by them. */
export const TRAILER = {
  session: 'SessionHub-Session',
  kind: 'SessionHub-Kind',
  attempt: 'SessionHub-Attempt',
  version: 'SessionHub-Version',
  foundationVersion: 'SessionHub-Foundation-Version',
} as const;

/** What a SessionHub commit records: the verified work of one attempt, or the Foundation update. */
export type CommitKind = 'work' | 'foundation';

/** A value fit for one trailer line. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** Formats `Key: value` trailer lines. */
export function formatTrailers(trailers: Array<[string, string]>): string {
  return trailers.map(([k, v]) => `${k}: ${oneLine(v)}`).join('\n');
}

/** A verdict in one line: `passed 3 of 3 gates (typecheck, test, lint)`. */
export function verdictSummary(verdict: Verdict): string {
  const passed = verdict.gates.filter((g) => g.passed).length;
  const names = verdict.gates.map((g) => g.name).join(', ');
  return `${verdict.passed ? 'passed' : 'failed'} ${passed} of ${verdict.gates.length} gates${names === '' ? '' : ` (${names})`}`;
}

/**
 * The message of a verified-work commit:
 *
 * ```text
 * Session 1.2: Add pagination
 *
 * Objectives:
 * - List endpoints return pages of at most 50 items
 *
 * Verification: passed 3 of 3 gates (typecheck, test, lint)
 *
 * SessionHub-Session: 6d1f...
 * SessionHub-Kind: work
 * SessionHub-Attempt: 0
 * SessionHub-Version: 1.2
 * ```
 *
 * A fix round says so (`Fix round 1 of the session's instruction.`). The header comes from the parsed
 * instruction; an instruction that does not parse falls back to its first line.
 */
export function workCommitMessage(input: {
  sessionId: string;
  instructionText: string;
  verdict: Verdict;
  attempt: number;
}): string {
  const parsed = parseInstruction(input.instructionText, { mode: 'lenient' }).instruction;
  const firstLine = input.instructionText.split('\n').find((l) => l.trim() !== '') ?? 'Session';
  const title = parsed
    ? `${parsed.kind === 'emergency' ? 'Emergency Session' : 'Session'} ${parsed.version.text}: ${parsed.name}`
    : oneLine(firstLine);
  const body: string[] = [title.slice(0, 200), ''];
  const objectives = parsed?.objectives ?? [];
  if (objectives.length > 0) {
    body.push('Objectives:', ...objectives.map((o) => `- ${oneLine(o.text)}`), '');
  }
  if (input.attempt > 0) body.push(`Fix round ${input.attempt} of the session's instruction.`, '');
  body.push(`Verification: ${verdictSummary(input.verdict)}`, '');
  const trailers: Array<[string, string]> = [
    [TRAILER.session, input.sessionId],
    [TRAILER.kind, 'work'],
    [TRAILER.attempt, String(input.attempt)],
  ];
  if (parsed) trailers.push([TRAILER.version, parsed.version.text]);
  return `${body.join('\n')}\n${formatTrailers(trailers)}\n`;
}

/** The message of the Foundation commit: `Foundation 1.2: FOUNDATION.md updated by session 1.2`. */
export function foundationCommitMessage(input: {
  sessionId: string;
  path: string;
  version: string;
  previousVersion?: string;
}): string {
  const from = input.previousVersion === undefined ? '' : ` from ${oneLine(input.previousVersion)}`;
  return (
    `Foundation ${oneLine(input.version)}: update ${oneLine(input.path)}\n\n` +
    `The Foundation document moves${from} to version ${oneLine(input.version)}, with its session log entry.\n\n` +
    `${formatTrailers([
      [TRAILER.session, input.sessionId],
      [TRAILER.kind, 'foundation'],
      [TRAILER.foundationVersion, input.version],
    ])}\n`
  );
}
