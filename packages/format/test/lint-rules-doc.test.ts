/**
 * docs/lint-rules.md stays true to the rule definitions: its rule reference is generated from them
 * (`npm run docs:lint -w @sessionhub/format`), and this test fails when the committed page is stale.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LINT_RULES_DOC_PATH, renderRuleReference, updateLintRulesDoc } from '../scripts/lint-rules-doc.js';
import { LINT_RULES, type LintRuleInfo } from '../src/lint/index.js';

const page = readFileSync(LINT_RULES_DOC_PATH, 'utf8');

describe('docs/lint-rules.md', () => {
  it('is what the generator writes from the rule definitions (run npm run docs:lint if not)', () => {
    expect(updateLintRulesDoc(page)).toBe(page);
  });

  it.each(LINT_RULES.map((r) => r.id))('documents %s with its severity, examples and notes', (id) => {
    const rule = LINT_RULES.find((r) => r.id === id)!;
    const heading = new RegExp(`^## \`${id}\`$`, 'm');
    expect(page).toMatch(heading);
    expect(page).toContain(`| [\`${id}\`](#${id}) | ${rule.defaultSeverity} | ${rule.summary} |`);
    const section = page.slice(page.search(heading)).split(/^## /m)[1] ?? '';
    expect(section).toContain(`Default severity: **${rule.defaultSeverity}**`);
    for (const example of [...rule.examples.bad, ...rule.examples.good]) expect(section).toContain(example);
    for (const note of rule.notes) expect(section).toContain(note);
  });

  it('a changed definition makes the committed page stale', () => {
    const changed: LintRuleInfo[] = LINT_RULES.map((r, i) =>
      i === 0 ? { ...r, summary: `${r.summary} (changed)` } : r,
    );
    expect(updateLintRulesDoc(page, changed)).not.toBe(page);
    expect(renderRuleReference(changed)).toContain('(changed)');
  });

  it('refuses a page without the generated-section markers', () => {
    expect(() => updateLintRulesDoc('# Lint rules\n')).toThrow(/markers/);
  });
});
