/**
 * Generates the rule table and the per-rule sections of docs/lint-rules.md from the rule definitions
 * (`LINT_RULES`), between the BEGIN/END markers; the prose around them is kept as written.
 *
 * `npm run docs:lint -w @sessionhub/format` rewrites the page; `-- --check` only reports whether it is
 * stale (exit code 1). The test `lint-rules-doc.test.ts` fails when the committed page is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LINT_RULES, type LintRuleInfo } from '../src/lint/index.js';

/** The page this script maintains. */
export const LINT_RULES_DOC_PATH = fileURLToPath(new URL('../../../docs/lint-rules.md', import.meta.url));

const BEGIN =
  '<!-- BEGIN generated rule reference: edit the rule definitions, then `npm run docs:lint -w @sessionhub/format` -->';
const END = '<!-- END generated rule reference -->';

const PLACEMENT: Record<LintRuleInfo['examples']['context'], string> = {
  instruction: 'Examples (whole instructions)',
  requirements: 'Examples (items of a REQUIREMENTS section)',
  validation: 'Examples (items of a VALIDATION section)',
};

/** A text example in a fence longer than any backtick run inside it. */
function fenced(example: string): string {
  const longest = Math.max(2, ...[...example.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${example}\n${fence}`;
}

function ruleSection(rule: LintRuleInfo): string {
  return [
    `## \`${rule.id}\``,
    `Default severity: **${rule.defaultSeverity}**`,
    rule.description,
    `Hint: ${rule.hint}`,
    `${PLACEMENT[rule.examples.context]}. Reported:`,
    ...rule.examples.bad.map(fenced),
    'Not reported:',
    ...rule.examples.good.map(fenced),
    `Notes:\n${rule.notes.map((n) => `- ${n}`).join('\n')}`,
  ].join('\n\n');
}

/** The generated part: the table of rules, then one section per rule, in catalogue order. */
export function renderRuleReference(rules: readonly LintRuleInfo[] = LINT_RULES): string {
  const table = [
    '| Rule | Default | Reports |',
    '|---|---|---|',
    ...rules.map((r) => `| [\`${r.id}\`](#${r.id}) | ${r.defaultSeverity} | ${r.summary} |`),
  ].join('\n');
  return [table, ...rules.map(ruleSection)].join('\n\n');
}

/** The page with its generated part replaced; throws when the markers are missing. */
export function updateLintRulesDoc(page: string, rules: readonly LintRuleInfo[] = LINT_RULES): string {
  const start = page.indexOf(BEGIN);
  const end = page.indexOf(END);
  if (start === -1 || end < start) throw new Error(`docs/lint-rules.md lacks the markers ${BEGIN} ... ${END}`);
  return `${page.slice(0, start + BEGIN.length)}\n\n${renderRuleReference(rules)}\n\n${page.slice(end)}`;
}

function main(): void {
  const page = readFileSync(LINT_RULES_DOC_PATH, 'utf8');
  const next = updateLintRulesDoc(page);
  if (process.argv.includes('--check')) {
    if (next !== page) {
      console.error('docs/lint-rules.md is stale: run npm run docs:lint -w @sessionhub/format');
      process.exitCode = 1;
    }
    return;
  }
  if (next !== page) writeFileSync(LINT_RULES_DOC_PATH, next);
  console.log(next === page ? 'docs/lint-rules.md is up to date' : 'docs/lint-rules.md updated');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
