/** `no-diff-hunk`: patches, found by diff structure (`@@ -1,2 +1,3 @@`, `diff --git`, `--- a/x` + `+++ b/x`). */
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { lintableLines } from '../text.js';

const HUNK_HEADER = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/;
const GIT_DIFF = /^diff --git \S/;
const OLD_FILE = /^--- (?:a\/)?\S+/;
const NEW_FILE = /^\+\+\+ (?:b\/)?\S+/;

/** Reports diff hunks and diff file headers (`@@ -1,3 +1,4 @@`, `diff --git`, `--- a/x` + `+++ b/x`). */
function checkDiffHunks(view: LintView): LintFinding[] {
  const findings: LintFinding[] = [];
  const reported = new Set<number>();
  const lines = lintableLines(view);
  lines.forEach((line, i) => {
    const text = line.text.trimStart();
    // Every header starts with `@`, `d` or `-`: other lines need no pattern.
    const first = text.charCodeAt(0);
    if (first !== 64 /* @ */ && first !== 100 /* d */ && first !== 45 /* - */) return;
    const column = line.text.length - text.length + 1;
    let what: string | undefined;
    if (HUNK_HEADER.test(text)) what = 'Diff hunk header';
    else if (GIT_DIFF.test(text)) what = 'Diff header';
    else if (OLD_FILE.test(text)) {
      const next = lines[i + 1];
      const nextText = next && next.number === line.number + 1 ? next.text.trimStart() : '';
      if (NEW_FILE.test(nextText)) what = 'Diff file header';
    }
    if (!what) return;
    // One finding per diff: a hunk that directly follows a reported header belongs to it.
    if (reported.has(line.number - 1) || reported.has(line.number - 2)) {
      reported.add(line.number);
      return;
    }
    reported.add(line.number);
    findings.push({ line: line.number, column, message: `${what}: the planner does not write patches.` });
  });
  return findings;
}

/** `no-diff-hunk`: diffs and diff hunks. */
export const noDiffHunk = defineLintRule({
  id: 'no-diff-hunk',
  defaultSeverity: 'error',
  summary: 'diffs and diff hunks',
  description: 'A diff (`@@ -1,3 +1,4 @@`, `diff --git`, `--- a/x` with `+++ b/x`): a patch written for the executor.',
  hint: 'Describe the change in behaviour and how to verify it; the executor decides the edit.',
  examples: {
    context: 'requirements',
    bad: ['@@ -12,7 +12,8 @@ function total() {', '--- a/total.txt\n+++ b/total.txt'],
    good: ['- Totals include tax (+8%) and discounts (-5%).', '- The score moves from -3 to +3.'],
  },
  notes: [
    'Only diff structure counts (`@@ -a,b +c,d @@`, `diff --git`, `--- x` directly followed by `+++ y`). Lines that merely start with `+` or `-` are list items or numbers, not diffs. One finding per diff.',
  ],
  check: checkDiffHunks,
});
