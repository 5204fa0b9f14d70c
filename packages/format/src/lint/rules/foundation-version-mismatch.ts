/**
 * `foundation-version-mismatch`: the FOUNDATION UPDATE section moves the Foundation document to a
 * version other than the session's own (`Session 2.3` but `Update to version 2.4`).
 */

import { compareVersions, parseVersion } from '../../version.js';
import { exampleInstruction } from '../example-instruction.js';
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';

const VERSION_TOKEN = /(?<![\w.])[vV]?\d+(?:[A-Za-z]{1,2})?(?:\.\d+(?:[A-Za-z]{1,2})?)+(?![\w.]*\w)/g;

/** Reports a FOUNDATION UPDATE version that differs from the header's session version. */
function checkFoundationVersion(view: LintView): LintFinding[] {
  const instruction = view.instruction;
  const target = instruction?.foundationUpdate.version;
  if (!instruction || !target) return [];
  if (compareVersions(instruction.version, target) === 0) return [];
  const position = locateVersion(view, target.text);
  return [
    {
      ...position,
      message: `FOUNDATION UPDATE moves to version ${target.text}, but the header says Session ${instruction.version.text}.`,
      hint: `Update the Foundation document to version ${instruction.version.text}, the version in the header.`,
    },
  ];
}

/** The first spelling of `version` inside the FOUNDATION UPDATE section, else its heading. */
function locateVersion(view: LintView, version: string): { line: number; column: number } {
  const span = view.sections.find((s) => s.title === 'FOUNDATION UPDATE');
  if (!span) return { line: 1, column: 1 };
  const last = Math.max(span.endLine, span.headingLine);
  for (let n = span.headingLine; n <= last; n++) {
    const text = view.lines[n - 1]?.text ?? '';
    VERSION_TOKEN.lastIndex = 0;
    for (let m = VERSION_TOKEN.exec(text); m; m = VERSION_TOKEN.exec(text)) {
      if (parseVersion(m[0])?.text === version) return { line: n, column: m.index + 1 };
    }
  }
  return { line: span.headingLine, column: 1 };
}

/** `foundation-version-mismatch`: a FOUNDATION UPDATE version other than the header version. */
export const foundationVersionMismatch = defineLintRule({
  id: 'foundation-version-mismatch',
  defaultSeverity: 'error',
  summary: 'a FOUNDATION UPDATE version other than the header version',
  description:
    "The FOUNDATION UPDATE section moves the Foundation document to a version other than the header's session version.",
  hint: 'Use the session version from the header in FOUNDATION UPDATE.',
  examples: {
    context: 'instruction',
    bad: [exampleInstruction({ version: '2.4' })],
    good: [exampleInstruction({})],
  },
  notes: [
    "Versions are compared by value with `compareVersions` (`v2.3` equals `2.3`; `2.22A` differs from `2.22`). The finding sits on the version inside FOUNDATION UPDATE. Replaces the parser's `version-mismatch` warning.",
  ],
  check: checkFoundationVersion,
});
