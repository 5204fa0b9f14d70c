/**
 * The rule catalogue: every rule's id, default severity, description, hint and examples. docs/lint-rules.md
 * documents the same list, and the tests check every example against its rule.
 */
import type { LintRuleInfo } from './types.js';

/** A short complete instruction, for the examples of the rules about structure. */
function instruction(o: {
  version?: string;
  objectives?: false;
  requirements?: string[];
  validation?: string[] | false;
}): string {
  const lines = ['Session 2.3: Export reports'];
  if (o.objectives !== false) lines.push('OBJECTIVES:', '1. Users can export a report as CSV');
  lines.push('REQUIREMENTS:', ...(o.requirements ?? ['- Reports include every visible session']));
  lines.push('FOUNDATION UPDATE:', `- Update to version ${o.version ?? '2.3'}`, '- Add session to log');
  if (o.validation !== false) lines.push('VALIDATION:', ...(o.validation ?? ['- All tests pass']));
  return lines.join('\n');
}

/**
 * Every lint rule, in the order they are documented. Examples of the rules about structure are whole
 * instructions; the others are section bodies that the tests put into REQUIREMENTS (VALIDATION for
 * `uncheckable-validation`). The tests check each rule fires on every `bad` example and on no `good` one.
 */
export const LINT_RULES: readonly LintRuleInfo[] = [
  {
    id: 'no-code-block',
    defaultSeverity: 'error',
    description:
      'A fenced (three or more backticks or tildes) or indented code block. The planner writes no code: a block of it is an implementation handed to the executor.',
    hint: 'Describe the behaviour the code should produce and how to check it; the executor writes the code.',
    examples: {
      bad: [
        '- Add a total helper:\n\n```ts\nexport const total = (xs) => xs.length;\n```',
        '- Store each session like this:\n\n      { "id": 1, "state": "created" }',
      ],
      good: [
        '- Sessions survive a restart of the service.',
        '- The export keeps the order of the rows:\n  newest first, then by name.',
      ],
    },
  },
  {
    id: 'no-heredoc',
    defaultSeverity: 'error',
    description: "A shell here-document (`cat > f << 'EOF'`): a file or script written out for the executor.",
    hint: 'State what the file must achieve (its purpose and the checks it must pass), not its text.',
    examples: {
      bad: ["- Create the config with cat > config.json << 'EOF'", '- Seed the data: python3 - <<PY'],
      good: [
        '- A default configuration is created on first start.',
        '- Priority markers such as << low >> stay as plain text.',
      ],
    },
  },
  {
    id: 'no-file-contents',
    defaultSeverity: 'error',
    description:
      'Lines of a source or configuration file (statements, JSON members, tags, `KEY=value`): two or more in a row, or one line that can only be source code (`import x from "y"`).',
    hint: 'Say what the file must contain in terms of behaviour or settings a user can see; the executor writes it.',
    examples: {
      bad: ['- Create the settings file with:\n  "port": 8080,\n  "debug": true', "- import { total } from './total';"],
      good: ['- Import keeps the order of the rows.', '- Export default settings for new users.'],
    },
  },
  {
    id: 'no-diff-hunk',
    defaultSeverity: 'error',
    description:
      'A diff (`@@ -1,3 +1,4 @@`, `diff --git`, `--- a/x` with `+++ b/x`): a patch written for the executor.',
    hint: 'Describe the change in behaviour and how to verify it; the executor decides the edit.',
    examples: {
      bad: ['@@ -12,7 +12,8 @@ function total() {', '--- a/total.txt\n+++ b/total.txt'],
      good: ['- Totals include tax (+8%) and discounts (-5%).', '- The score moves from -3 to +3.'],
    },
  },
  {
    id: 'foundation-version-mismatch',
    defaultSeverity: 'error',
    description:
      "The FOUNDATION UPDATE section moves the Foundation document to a version other than the header's session version.",
    hint: 'Use the session version from the header in FOUNDATION UPDATE.',
    examples: {
      bad: [instruction({ version: '2.4' })],
      good: [instruction({})],
    },
  },
  {
    id: 'missing-objectives',
    defaultSeverity: 'error',
    description: 'The instruction has no OBJECTIVES section, so nothing says what the session must achieve.',
    hint: 'Add an OBJECTIVES section listing the outcomes the session must achieve.',
    examples: {
      bad: [instruction({ objectives: false })],
      good: [instruction({})],
    },
  },
  {
    id: 'missing-validation',
    defaultSeverity: 'error',
    description: 'The instruction has no VALIDATION section, so the verifier has nothing to check.',
    hint: 'Add a VALIDATION section with observable checks (tests that pass, what a user sees, numbers to meet).',
    examples: {
      bad: [instruction({ validation: false })],
      good: [instruction({})],
    },
  },
  {
    id: 'empty-section',
    defaultSeverity: 'error',
    description: 'A section heading with nothing under it.',
    hint: 'Fill the section with at least one item, or remove the heading.',
    examples: {
      bad: [instruction({ requirements: [] })],
      good: [instruction({})],
    },
  },
  {
    id: 'duplicate-section',
    defaultSeverity: 'error',
    description: 'The same section appears twice; readers and tools would see only one of them.',
    hint: 'Merge the items into the first section with that title.',
    examples: {
      bad: [instruction({ validation: ['- All tests pass', 'VALIDATION:', '- The report opens'] })],
      good: [instruction({ validation: ['- All tests pass', '- The report opens'] })],
    },
  },
  {
    id: 'no-library-names',
    defaultSeverity: 'warning',
    description:
      'Names a library, framework or package version: a `pkg@1.2` spec, a scoped `@scope/pkg` or `npm:pkg` name, or a well-known library (React, Express, Prisma, lodash, zod, Django, ...). Names that are also English words count only where they cannot be English (see the notes below).',
    hint: 'State the capability needed (validation, routing, charts); the executor chooses the libraries.',
    examples: {
      bad: [
        '- Validate input with zod@3.22',
        '- Build the settings page with React',
        '- Add an Express server for the API',
        '- Cache results with @tanstack/query-core',
      ],
      good: [
        '- React to a failed export by showing why',
        '- Express the total as a percentage',
        '- Customers can choose Express checkout',
        '- Send questions to support@example.com',
        '- Version 2 of the report lists every session',
      ],
    },
  },
  {
    id: 'no-file-paths',
    defaultSeverity: 'warning',
    description:
      'Names a file or directory: a path with a directory part (`src/export/csv.ts`, `./config`, `/etc/hosts`) or a file name with a code or configuration extension (`index.ts`, `config.yaml`, `Dockerfile`). Word pairs (`and/or`, `input/output`), `24/7`, dates, fractions and URLs are not paths.',
    hint: 'Describe what must exist or happen; the executor decides where files go.',
    examples: {
      bad: [
        '- Put the logic in src/export/csv.ts',
        '- Read settings from ./settings',
        '- Write logs under /var/log/app',
        '- Keep defaults in config.yaml',
      ],
      good: [
        '- Users can choose read/write access and/or sharing',
        '- The service is available 24/7',
        '- Reports are due on 11/26/2026',
        '- The help page at https://example.com/help/export explains each column',
        '- Input/output errors are shown to the user',
      ],
    },
  },
  {
    id: 'no-shell-commands',
    defaultSeverity: 'warning',
    description:
      'A shell command: a line that starts with a command and its flags, paths or operators (`rm -rf dist`, `cat a | grep x`), a tool with a subcommand anywhere (`npm install`, `git checkout`), or a command in backticks.',
    hint: 'Say what must be true afterwards (dependencies available, branch created); the executor runs the commands.',
    examples: {
      bad: [
        '- Run `npm install` first',
        '- npm install left-pad',
        '- rm -rf dist',
        '- Then git checkout -b feature',
        '- Count errors with cat app.log | grep ERROR',
      ],
      good: [
        '- Run the tests',
        '- Make the button blue',
        '- Find the cause of the crash.',
        '- Sort the list by date, newest first',
        '- Users can export the report',
      ],
    },
  },
  {
    id: 'no-signatures',
    defaultSeverity: 'warning',
    description:
      'A function, method or type signature: `name(param: Type)`, `name(): Type`, `(a) =>`, `def name(`, `getUser(`, `obj.method()`, `Promise<Result>`.',
    hint: 'Describe inputs and outcomes in words ("given a list of rows, the total is shown"); the executor designs the interfaces.',
    examples: {
      bad: [
        '- Add exportCsv(rows: Row[]): string',
        '- Implement function total(items) {',
        '- Save on change with (draft) => save(draft)',
        '- Call api.fetchUser(id) on load',
      ],
      good: [
        '- The function of the page is to list sessions',
        '- Return to the previous screen',
        '- Show the item(s) the user picked',
        '- If the export fails, the user sees why',
      ],
    },
  },
  {
    id: 'no-sql',
    defaultSeverity: 'warning',
    description:
      'An SQL statement or schema, recognised by clause structure (`SELECT ... FROM`, `INSERT INTO t VALUES`, `CREATE TABLE t (`, `UPDATE t SET c =`, `DELETE FROM t WHERE`), not by the words alone.',
    hint: 'Describe the data that must be kept or found; the executor designs storage and queries.',
    examples: {
      bad: [
        '- Load SELECT id, name FROM users WHERE active = 1',
        '- Add CREATE TABLE sessions (id TEXT PRIMARY KEY)',
        "- Seed with insert into sessions values (1, 'x')",
      ],
      good: [
        '- Select the items from the list',
        '- Create a table of results for the report',
        '- Users can delete their account',
        '- Update the settings page',
      ],
    },
  },
  {
    id: 'uncheckable-validation',
    defaultSeverity: 'warning',
    description:
      'A VALIDATION or SUCCESS CRITERIA item that only judges the result ("works well", "clean", "fast") and names nothing a verifier can observe: no number, no quoted text, no visible outcome, no test or build that passes.',
    hint: 'Name an observable check: a test or command that passes, what a user sees, or a number to meet.',
    examples: {
      bad: ['- Works well', '- Code is clean', '- Everything is good', '- The UI is intuitive'],
      good: [
        '- All tests pass',
        '- The login page shows an error for a wrong password',
        '- Response time under 200 ms',
      ],
    },
  },
];
