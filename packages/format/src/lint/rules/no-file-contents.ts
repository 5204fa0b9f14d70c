/**
 * `no-file-contents`: source or configuration text pasted as lines of the instruction. Recognised by
 * line shape (statements, JSON members, tags, braces, `KEY=value`), never by words like "import" alone.
 */
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { lintableLines } from '../text.js';

/** A single line that can only be source code or data (reported even on its own), e.g. `{ "a": 1 }`. */
const STATEMENT =
  /^(import\s+[\w{*$][^'"]*\bfrom\s+['"]|import\s+['"][^'"]+['"];?$|(const|let|var)\s+[\w{[\]},\s]+=\s*require\(|export\s+(const|let|var|function|class|interface|type|enum|async\s+function)\s+[\w$]+|export\s+default\s+(function|class|async\b|\{|\(|\[|[\w$]+;)|#include\s*[<"]|#!\/|<\?php|<!DOCTYPE\s|\{\s*"[^"\s]+"\s*:.*\}\s*,?$)/;

/** Line shapes that are code when two or more come in a row. */
const CODE_LINE: readonly RegExp[] = [
  STATEMENT,
  /^(const|let|var)\s+[\w$]+\s*(:\s*[\w<>[\]|, ]+)?=\s*\S/,
  /^(def|function|func|fn)\s+[\w$]+\s*\(/,
  /^class\s+[A-Z]\w*\s*(\(|\{|:$|extends\b|implements\b)/,
  /^from\s+[\w.]+\s+import\s+[\w*]/,
  /^return\b.*;$/,
  /^"[^"\s]+"\s*:\s*(["{[\d-]|true\b|false\b|null\b)/,
  /^[}\])]+[;,)]*$/,
  /^[{[]$/,
  /[\w)"'\]=>]\s*\{$/,
  /^[\w$.[\]]+\s*[+\-*/]?=\s*.*;$/,
  /^[\w$.]+\([^()]*\);$/,
  // A markup line: a tag that ends the line or is closed on it (not a `<name>` placeholder in a sentence).
  /^<\/?[a-zA-Z][\w:-]*(\s+[\w:-]+(=("[^"]*"|'[^']*'|[^\s>]+))?)*\s*\/?>(.*<\/[\w:-]+>)?$/,
  /^\[[A-Za-z][\w.-]+\]$/,
  // A configuration key (lower case, as config files write them): `timeout = 30`, `name = "x"`.
  /^[a-z_][\w.-]*\s*=\s*("[^"]*"|'[^']*'|\d[\d.]*$|true$|false$|\[|\{)/,
  /^[A-Z][A-Z0-9_]+=\S+$/,
];

/** Whether one line (marker and indentation removed) is shaped like a line of a source or config file. */
function isCodeShapedLine(text: string): boolean {
  const t = text.trim();
  return t !== '' && mayBeCodeShaped(t) && CODE_LINE.some((re) => re.test(t));
}

/** First characters that some {@link CODE_LINE} shape anchored at the start accepts. */
const CODE_FIRST = new Set('iclvedfr#<{["}])');

/**
 * A cheap necessary condition for {@link CODE_LINE}: every shape either starts with one of
 * {@link CODE_FIRST}, ends with `{` or `;`, or has an `=`. Prose ("Visitors see their name.") has none.
 */
function mayBeCodeShaped(t: string): boolean {
  const last = t[t.length - 1];
  return CODE_FIRST.has(t[0] ?? '') || last === '{' || last === ';' || t.includes('=');
}

/** Reports runs of two or more code-shaped lines, and single lines that can only be source code. */
function checkFileContents(view: LintView): LintFinding[] {
  const findings: LintFinding[] = [];
  let run: CodeRun | undefined;
  let previous = 0;
  for (const line of lintableLines(view)) {
    if (line.heading || line.number !== previous + 1) run = flush(run, findings);
    previous = line.number;
    if (line.heading) continue;
    const masked = line.scan;
    const t = masked.trim();
    if (!isCodeShapedLine(t)) {
      run = flush(run, findings);
      continue;
    }
    const column = masked.length - masked.trimStart().length + 1;
    if (run) {
      run.count++;
      run.strong ||= STATEMENT.test(t);
    } else run = { line: line.number, column, count: 1, strong: STATEMENT.test(t) };
  }
  flush(run, findings);
  return findings;
}

/** Consecutive code-shaped lines: where they start, how many, and whether one can only be source code. */
interface CodeRun {
  line: number;
  column: number;
  count: number;
  strong: boolean;
}

/** Ends a run: a finding when it is file contents or a line of source code. Returns no run. */
function flush(run: CodeRun | undefined, findings: LintFinding[]): undefined {
  if (run && (run.count >= 2 || run.strong)) {
    findings.push({
      line: run.line,
      column: run.column,
      message:
        run.count >= 2
          ? `File contents (${run.count} lines of code or configuration): the planner does not write files.`
          : 'A line of source code: the planner does not write files.',
    });
  }
  return undefined;
}

/** `no-file-contents`: lines of a source or configuration file. */
export const noFileContents = defineLintRule({
  id: 'no-file-contents',
  defaultSeverity: 'error',
  summary: 'lines of a source or configuration file',
  description:
    'Lines of a source or configuration file (statements, JSON members, tags, `KEY=value`): two or more in a row, or one line that can only be source code (`import x from "y"`).',
  hint: 'Say what the file must contain in terms of behaviour or settings a user can see; the executor writes it.',
  examples: {
    context: 'requirements',
    bad: ['- Create the settings file with:\n  "port": 8080,\n  "debug": true', "- import { total } from './total';"],
    good: ['- Import keeps the order of the rows.', '- Export default settings for new users.'],
  },
  notes: [
    'Line shapes: `import ... from \'...\'`, `export const/function/class`, `const x =`, `def f(`, JSON members (`"key": value`) and one-line JSON objects, markup lines (a tag that ends the line or is closed on it, so a `<name>` placeholder in a sentence is not one), lone braces, `KEY=value`, lower-case config keys (`timeout = 30`; "Rate = 0.2" is English), `[section]`, statements ending in `;` with a call or assignment.',
    'Known gap: YAML (`name: CI`) is not recognised line by line, because `word: value` is also how English lists settings; an indented YAML block is still a code block.',
    "Two or more such lines in a row are reported as file contents; a single line only when it can be nothing but source code (`import x from 'y'`, `export function f`, `#include <x>`, a shebang).",
    'Words alone never count: "Import keeps the order", "Export default settings" (capitalized, no code punctuation).',
  ],
  check: checkFileContents,
});
