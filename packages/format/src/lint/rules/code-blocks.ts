/**
 * `no-code-block`, `no-heredoc`, `no-diff-hunk`: code pasted into the instruction, found by Markdown and
 * shell structure (fences, indentation, `<< 'EOF'`, `@@ -1,2 +1,3 @@`).
 */
import { lintableLines } from '../text.js';
import type { LintDocument, LintFinding } from '../types.js';

/** Reports each fenced or indented code block once, at its first line. */
export function checkCodeBlocks(doc: LintDocument): LintFinding[] {
  return doc.codeBlocks.map((block) => ({
    line: block.startLine,
    column: block.column,
    message:
      block.kind === 'fenced'
        ? `Fenced code block (lines ${block.startLine}-${block.endLine}): the planner writes no code.`
        : `Indented code block (lines ${block.startLine}-${block.endLine}): the planner writes no code.`,
  }));
}

/**
 * `<< 'EOF'`, `<<-"end"`, `<<EOF`: a here-document redirect. The delimiter is quoted, or an upper-case
 * word (as shells are written), so text such as `<< low >>` is not one.
 */
const HEREDOC = /(?<!<)<<-?\s*(?:(['"])[A-Za-z_]\w*\1|[A-Z_][A-Z0-9_]*(?![\w'"]))(?!\s*>>)/;

/** Reports shell here-documents (`cat > f << 'EOF'`). */
export function checkHeredocs(doc: LintDocument): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const line of lintableLines(doc)) {
    if (!line.scan.includes('<<')) continue;
    const m = HEREDOC.exec(line.scan);
    if (!m) continue;
    findings.push({
      line: line.number,
      column: m.index + 1,
      message: `Shell here-document \`${m[0]}\`: the planner does not write files or scripts.`,
    });
  }
  return findings;
}

const HUNK_HEADER = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/;
const GIT_DIFF = /^diff --git \S/;
const OLD_FILE = /^--- (?:a\/)?\S+/;
const NEW_FILE = /^\+\+\+ (?:b\/)?\S+/;

/** Reports diff hunks and diff file headers (`@@ -1,3 +1,4 @@`, `diff --git`, `--- a/x` + `+++ b/x`). */
export function checkDiffHunks(doc: LintDocument): LintFinding[] {
  const findings: LintFinding[] = [];
  const reported = new Set<number>();
  const lines = lintableLines(doc);
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
