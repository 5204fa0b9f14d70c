/**
 * Each rule of the Two-Actor linter: the examples of its definition, and clear misses it must catch
 * (with their positions). docs/lint-rules.md is generated from the same definitions (lint-rules-doc.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { LINT_RULES, type LintExampleContext, type LintRuleId, lintInstruction } from '../src/lint/index.js';
import { buildInstruction } from './fixtures/lint/build.js';

/** The example as a whole instruction, placed where its rule's definition says. */
function exampleText(context: LintExampleContext, example: string): string {
  if (context === 'instruction') return example;
  return context === 'validation'
    ? buildInstruction({ validation: example }).text
    : buildInstruction({ requirements: example }).text;
}

function positions(text: string): [string, number, number][] {
  return lintInstruction(text).diagnostics.map((d) => [d.code, d.line, d.column]);
}

function codesOf(text: string): string[] {
  return lintInstruction(text).diagnostics.map((d) => d.code);
}

describe('LINT_RULES examples', () => {
  const cases = LINT_RULES.flatMap((rule) => [
    ...rule.examples.bad.map((example) => ({ id: rule.id, context: rule.examples.context, kind: 'bad', example })),
    ...rule.examples.good.map((example) => ({ id: rule.id, context: rule.examples.context, kind: 'good', example })),
  ]);

  it('every rule has at least one bad and one good example, a summary, a description, a hint and notes', () => {
    for (const rule of LINT_RULES) {
      expect(rule.examples.bad.length, rule.id).toBeGreaterThan(0);
      expect(rule.examples.good.length, rule.id).toBeGreaterThan(0);
      expect(rule.summary.length, rule.id).toBeGreaterThan(5);
      expect(rule.description.length, rule.id).toBeGreaterThan(20);
      expect(rule.hint.length, rule.id).toBeGreaterThan(20);
      expect(rule.notes.length, rule.id).toBeGreaterThan(0);
      // Notes are bullet texts: the docs add the bullet.
      for (const note of rule.notes) expect(note, rule.id).not.toMatch(/^[-*] /);
    }
    expect(new Set(LINT_RULES.map((r) => r.id)).size).toBe(LINT_RULES.length);
  });

  it.each(cases)('$id $kind: $example', ({ id, context, kind, example }) => {
    const codes = codesOf(exampleText(context, example));
    if (kind === 'bad') expect(codes).toContain(id);
    else expect(codes).not.toContain(id);
  });
});

/** A clear miss: the REQUIREMENTS (or VALIDATION) body, the rule, and the 1-based position in that body. */
interface Miss {
  rule: LintRuleId;
  body: string;
  /** Line within the body (1 = its first line) and column of the finding. */
  line: number;
  column: number;
  section?: 'requirements' | 'validation';
}

const MISSES: Miss[] = [
  // no-code-block
  { rule: 'no-code-block', body: '- Add this:\n```ts\nconst a = 1;\n```', line: 2, column: 1 },
  { rule: 'no-code-block', body: '- Add this:\n  ~~~\n  x = 1\n  ~~~', line: 2, column: 3 },
  { rule: 'no-code-block', body: '- Config:\n\n        retries: 3\n        timeout: 10', line: 3, column: 9 },
  { rule: 'no-code-block', body: '- Unclosed:\n```\nnpm test', line: 2, column: 1 },
  // no-heredoc
  { rule: 'no-heredoc', body: "- cat > notes.txt << 'EOF'", line: 1, column: 19 },
  { rule: 'no-heredoc', body: '- Write it with cat <<EOF > out.txt', line: 1, column: 21 },
  { rule: 'no-heredoc', body: '- Use <<-"END" to indent it', line: 1, column: 7 },
  // no-file-contents
  { rule: 'no-file-contents', body: "- import express from 'express';", line: 1, column: 3 },
  { rule: 'no-file-contents', body: '- Add:\n  "name": "app",\n  "private": true', line: 2, column: 3 },
  { rule: 'no-file-contents', body: '- Set:\n  PORT=8080\n  DEBUG=1', line: 2, column: 3 },
  { rule: 'no-file-contents', body: '- Page:\n  <div class="total">\n  </div>', line: 2, column: 3 },
  { rule: 'no-file-contents', body: '- export function total(rows) {', line: 1, column: 3 },
  // no-diff-hunk
  { rule: 'no-diff-hunk', body: '- Apply:\n@@ -1,3 +1,4 @@', line: 2, column: 1 },
  { rule: 'no-diff-hunk', body: 'diff --git a/x b/x', line: 1, column: 1 },
  { rule: 'no-diff-hunk', body: '--- a/report\n+++ b/report', line: 1, column: 1 },
  // no-library-names
  { rule: 'no-library-names', body: '- Validate with zod@3.22.4', line: 1, column: 17 },
  { rule: 'no-library-names', body: '- Pin react@^18 for the UI', line: 1, column: 7 },
  { rule: 'no-library-names', body: '- Add @sessionhub/core as a dependency', line: 1, column: 7 },
  { rule: 'no-library-names', body: '- Use npm:left-pad', line: 1, column: 7 },
  { rule: 'no-library-names', body: '- Use lodash for grouping', line: 1, column: 7 },
  { rule: 'no-library-names', body: '- Store sessions with Prisma', line: 1, column: 23 },
  { rule: 'no-library-names', body: '- Build the API in Django', line: 1, column: 20 },
  { rule: 'no-library-names', body: '- Render the chart in React', line: 1, column: 23 },
  { rule: 'no-library-names', body: '- React components render the list', line: 1, column: 3 },
  { rule: 'no-library-names', body: '- Serve it from an Express server', line: 1, column: 20 },
  { rule: 'no-library-names', body: '- Write the UI in Express.js', line: 1, column: 19 },
  { rule: 'no-library-names', body: '- Write end-to-end Cypress tests', line: 1, column: 20 },
  { rule: 'no-library-names', body: '- Use `axios` for requests', line: 1, column: 8 },
  { rule: 'no-library-names', body: '- Port it to Ruby on Rails', line: 1, column: 14 },
  // no-file-paths
  { rule: 'no-file-paths', body: '- Put it in src/export/csv.ts', line: 1, column: 13 },
  { rule: 'no-file-paths', body: '- Edit ./scripts/run', line: 1, column: 8 },
  { rule: 'no-file-paths', body: '- Read /etc/app/config', line: 1, column: 8 },
  { rule: 'no-file-paths', body: '- Update package.json', line: 1, column: 10 },
  { rule: 'no-file-paths', body: '- Add a Dockerfile', line: 1, column: 9 },
  { rule: 'no-file-paths', body: '- Keep tests under packages/core/test/', line: 1, column: 20 },
  { rule: 'no-file-paths', body: '- Secrets go in .env', line: 1, column: 17 },
  { rule: 'no-file-paths', body: '- Models live in `app/models`', line: 1, column: 19 },
  { rule: 'no-file-paths', body: '- Save to ~/reports/out.csv', line: 1, column: 11 },
  // no-shell-commands
  { rule: 'no-shell-commands', body: '- npm install zod', line: 1, column: 3 },
  { rule: 'no-shell-commands', body: '- rm -rf node_modules', line: 1, column: 3 },
  { rule: 'no-shell-commands', body: '- Then run git checkout -b export', line: 1, column: 12 },
  { rule: 'no-shell-commands', body: '- Check with `docker ps -a`', line: 1, column: 15 },
  { rule: 'no-shell-commands', body: '- $ make build', line: 1, column: 3 },
  { rule: 'no-shell-commands', body: '- List them: ls -la | grep log', line: 1, column: 21 },
  { rule: 'no-shell-commands', body: '- find . -name "*.log"', line: 1, column: 3 },
  { rule: 'no-shell-commands', body: '- Fetch it with curl -sSL https://example.com/x', line: 1, column: 17 },
  { rule: 'no-shell-commands', body: '- sudo apt-get install jq', line: 1, column: 3 },
  { rule: 'no-shell-commands', body: '- Run `make test` before merging', line: 1, column: 8 },
  { rule: 'no-shell-commands', body: '- pip install requests', line: 1, column: 3 },
  { rule: 'no-shell-commands', body: '- rm -rf dist, then rebuild', line: 1, column: 3 },
  // no-signatures
  { rule: 'no-signatures', body: '- Add exportCsv(rows: Row[]): string', line: 1, column: 7 },
  { rule: 'no-signatures', body: '- Add total(items): number', line: 1, column: 7 },
  { rule: 'no-signatures', body: '- def total(items):', line: 1, column: 3 },
  { rule: 'no-signatures', body: '- Use const f = (a, b) => a + b', line: 1, column: 17 },
  { rule: 'no-signatures', body: '- Return Promise<ExportResult> from the call', line: 1, column: 10 },
  { rule: 'no-signatures', body: '- Call getUserById(id) on load', line: 1, column: 8 },
  { rule: 'no-signatures', body: '- Call parse_rows(text) first', line: 1, column: 8 },
  { rule: 'no-signatures', body: '- Call user.save() after editing', line: 1, column: 8 },
  { rule: 'no-signatures', body: '- Add interface ExportOptions { format }', line: 1, column: 7 },
  { rule: 'no-signatures', body: '- fn parse(input: &str) -> Result', line: 1, column: 3 },
  // no-sql
  { rule: 'no-sql', body: '- Query SELECT * FROM sessions', line: 1, column: 9 },
  { rule: 'no-sql', body: '- select count(*) from sessions', line: 1, column: 3 },
  { rule: 'no-sql', body: '- Run select name from users where id = 3', line: 1, column: 7 },
  { rule: 'no-sql', body: '- INSERT INTO logs (at, msg) VALUES (1, 2)', line: 1, column: 3 },
  { rule: 'no-sql', body: '- create table if not exists runs (id int)', line: 1, column: 3 },
  { rule: 'no-sql', body: '- UPDATE users SET name = 1', line: 1, column: 3 },
  { rule: 'no-sql', body: '- Clean up with DELETE FROM runs WHERE age > 3', line: 1, column: 17 },
  { rule: 'no-sql', body: '- ALTER TABLE runs ADD COLUMN note TEXT', line: 1, column: 3 },
  { rule: 'no-sql', body: '- Use CREATE INDEX runs_at ON runs (at)', line: 1, column: 7 },
  { rule: 'no-sql', body: '- Join with JOIN users u ON u.id = r.user_id', line: 1, column: 13 },
  // no-code-constructs
  { rule: 'no-code-constructs', body: '- Use a while loop over the rows', line: 1, column: 9 },
  { rule: 'no-code-constructs', body: '- Implement it with async/await', line: 1, column: 21 },
  { rule: 'no-code-constructs', body: '- Add a class ReportBuilder with build and reset methods', line: 1, column: 9 },
  { rule: 'no-code-constructs', body: '- Use an enum for the states', line: 1, column: 10 },
  { rule: 'no-code-constructs', body: '- Wrap it in a try/catch', line: 1, column: 16 },
  // no-data-schema
  { rule: 'no-data-schema', body: '- Add a users table with a unique index on email', line: 1, column: 28 },
  { rule: 'no-data-schema', body: '- Give orders a foreign key to customers', line: 1, column: 17 },
  { rule: 'no-data-schema', body: '- Keep sessions in Redis as a hash', line: 1, column: 20 },
  { rule: 'no-data-schema', body: '- Store the title in a VARCHAR column', line: 1, column: 24 },
  // no-directory-layout
  { rule: 'no-directory-layout', body: '- Create a folder named utils', line: 1, column: 12 },
  { rule: 'no-directory-layout', body: '- Keep one file per route', line: 1, column: 8 },
  { rule: 'no-directory-layout', body: '- Add a lib folder at the project root', line: 1, column: 9 },
  // no-library-names: install steps
  { rule: 'no-library-names', body: '- Then install helmet', line: 1, column: 16 },
  { rule: 'no-library-names', body: '- Install the dotenv package', line: 1, column: 15 },
  { rule: 'no-library-names', body: '- Add bcrypt as a dependency', line: 1, column: 7 },
  // uncheckable-validation
  { rule: 'uncheckable-validation', body: '- Works well', line: 1, column: 3, section: 'validation' },
  {
    rule: 'uncheckable-validation',
    body: '- All tests pass\n- The code is clean',
    line: 2,
    column: 3,
    section: 'validation',
  },
  { rule: 'uncheckable-validation', body: '- Everything works', line: 1, column: 3, section: 'validation' },
  { rule: 'uncheckable-validation', body: '- The export is fast', line: 1, column: 3, section: 'validation' },
  { rule: 'uncheckable-validation', body: '- Follows best practices', line: 1, column: 3, section: 'validation' },
  {
    rule: 'uncheckable-validation',
    body: '* The feature works as expected',
    line: 1,
    column: 3,
    section: 'validation',
  },
];

describe('clear misses are reported at the right position', () => {
  it.each(MISSES)('$rule: $body', ({ rule, body, line, column, section }) => {
    const built =
      section === 'validation' ? buildInstruction({ validation: body }) : buildInstruction({ requirements: body });
    const first = section === 'validation' ? built.validationLine : built.requirementsLine;
    const hits = lintInstruction(built.text).diagnostics.filter((d) => d.code === rule);
    expect(hits.map((d) => [d.line, d.column])).toContainEqual([first + line - 1, column]);
    const rule0 = LINT_RULES.find((r) => r.id === rule)!;
    for (const d of hits) {
      expect(d.severity).toBe(rule0.defaultSeverity);
      expect(d.hint).toBeTruthy();
      expect(d.message.length).toBeGreaterThan(10);
    }
  });

  it('reports a code block once and keeps its lines away from other rules', () => {
    const { text, requirementsLine } = buildInstruction({
      requirements: "- Install:\n```sh\nnpm install zod@3\ncat > a.ts << 'EOF'\nimport x from 'y';\n```",
    });
    const d = lintInstruction(text).diagnostics;
    expect(d.map((x) => [x.code, x.line, x.column])).toEqual([['no-code-block', requirementsLine + 1, 1]]);
  });

  it('with no-code-block off, the lines inside a block are linted like any other', () => {
    const { text } = buildInstruction({ requirements: '- Install:\n```sh\nnpm install zod@3\n```' });
    const codes = lintInstruction(text, { rules: { 'no-code-block': 'off' } }).diagnostics.map((d) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['no-shell-commands', 'no-library-names']));
    expect(codes).not.toContain('no-code-block');
  });

  it('an unclosed fence ends at the next section heading, as the parser reads it', () => {
    const { text, requirementsLine, validationLine } = buildInstruction({
      requirements: '- Add:\n```\nnot closed',
      validation: '- Works well',
    });
    expect(positions(text)).toEqual([
      ['no-code-block', requirementsLine + 1, 1],
      ['uncheckable-validation', validationLine, 3],
    ]);
  });

  it('reports one diff, not one finding per header line', () => {
    const { text } = buildInstruction({ requirements: 'diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@' });
    expect(lintInstruction(text).diagnostics.filter((d) => d.code === 'no-diff-hunk')).toHaveLength(1);
  });

  it('positions a FOUNDATION UPDATE version mismatch on the version', () => {
    const { text } = buildInstruction({ version: '2.4' });
    const d = lintInstruction(text).diagnostics.filter((x) => x.code === 'foundation-version-mismatch');
    expect(d).toEqual([expect.objectContaining({ severity: 'error', line: 7, column: 21 })]);
    expect(d[0]?.hint).toContain('2.3');
  });

  it('compares versions by value, so v2.3 and 2.3 agree and 2.22A differs from 2.22', () => {
    expect(codesOf(buildInstruction({ version: 'v2.3' }).text)).not.toContain('foundation-version-mismatch');
    const letter = buildInstruction({ version: '2.3A' }).text;
    expect(codesOf(letter)).toContain('foundation-version-mismatch');
  });

  it('reports an empty inline section and a duplicate at the repeated heading', () => {
    const text = [
      'Session 2.3: Export',
      'OBJECTIVES:',
      '1. Users can export',
      'REQUIREMENTS:',
      '- Every session is exported',
      'FOUNDATION UPDATE:',
      '- Update to version 2.3',
      'VALIDATION:',
      '- All tests pass',
      'NOT INCLUDED:',
      'REQUIREMENTS:',
      '- Another requirement',
      'COMPLEXITY:',
    ].join('\n');
    const d = lintInstruction(text).diagnostics.map((x) => [x.code, x.line]);
    expect(d).toEqual(
      expect.arrayContaining([
        ['empty-section', 10],
        ['duplicate-section', 11],
        ['empty-section', 13],
      ]),
    );
  });

  it('reports missing OBJECTIVES and VALIDATION at the header', () => {
    const text = 'Notes first\n\nSession 2.3: Export\nREQUIREMENTS:\n- Every session is exported\n';
    const d = lintInstruction(text).diagnostics.filter(
      (x) => x.code.startsWith('missing-o') || x.code.startsWith('missing-v'),
    );
    expect(d.map((x) => [x.code, x.line, x.column])).toEqual([
      ['missing-objectives', 3, 1],
      ['missing-validation', 3, 1],
    ]);
  });
});
