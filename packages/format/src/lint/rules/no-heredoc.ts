/** `no-heredoc`: shell here-documents (`cat > f << 'EOF'`), found by the redirect and its delimiter. */
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { lintableLines } from '../text.js';

/**
 * `<< 'EOF'`, `<<-"end"`, `<<EOF`: a here-document redirect. The delimiter is quoted, or an upper-case
 * word (as shells are written), so text such as `<< low >>` is not one.
 */
const HEREDOC = /(?<!<)<<-?\s*(?:(['"])[A-Za-z_]\w*\1|[A-Z_][A-Z0-9_]*(?![\w'"]))(?!\s*>>)/;

/** Reports shell here-documents (`cat > f << 'EOF'`). */
function checkHeredocs(view: LintView): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const line of lintableLines(view)) {
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

/** `no-heredoc`: shell here-documents (`cat > f << 'EOF'`). */
export const noHeredoc = defineLintRule({
  id: 'no-heredoc',
  defaultSeverity: 'error',
  summary: "shell here-documents (`cat > f << 'EOF'`)",
  description: "A shell here-document (`cat > f << 'EOF'`): a file or script written out for the executor.",
  hint: 'State what the file must achieve (its purpose and the checks it must pass), not its text.',
  examples: {
    context: 'requirements',
    bad: ["- Create the config with cat > config.json << 'EOF'", '- Seed the data: python3 - <<PY'],
    good: [
      '- A default configuration is created on first start.',
      '- Priority markers such as << low >> stay as plain text.',
    ],
  },
  notes: [
    'The delimiter must be quoted (`\'EOF\'`, `"END"`) or an upper-case word (`EOF`, `PY`), so guillemet-like text such as `<< low >>` is not a here-document.',
  ],
  check: checkHeredocs,
});
