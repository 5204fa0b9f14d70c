/**
 * `lintInstruction` as a whole: text and Instruction input, positions on the original text, rule
 * switching, the parser's diagnostics, wrappers, line endings.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SessionHubError } from '../src/errors.js';
import { formatInstruction } from '../src/instruction/format.js';
import { parseInstruction } from '../src/instruction/parse.js';
import { InvalidLintInputError, LINT_RULES, type LintRuleId, lintInstruction } from '../src/lint/index.js';
import type { Instruction } from '../src/types.js';
import { buildInstruction } from './fixtures/lint/build.js';

const canonical = readFileSync(fileURLToPath(new URL('./fixtures/lint/canonical.txt', import.meta.url)), 'utf8');

function positions(text: string, options?: Parameters<typeof lintInstruction>[1]) {
  return lintInstruction(text, options).diagnostics.map((d) => [d.code, d.line, d.column]);
}

describe('the canonical example', () => {
  it('has no diagnostics as text, strict or lenient', () => {
    expect(lintInstruction(canonical)).toEqual({ diagnostics: [], ok: true });
    expect(lintInstruction(canonical, { mode: 'strict' })).toEqual({ diagnostics: [], ok: true });
  });

  it('has no diagnostics as an Instruction object', () => {
    const instruction = parseInstruction(canonical, { mode: 'strict' }).instruction;
    expect(instruction).toBeDefined();
    expect(lintInstruction(instruction!)).toEqual({ diagnostics: [], ok: true });
  });

  it('the public index exports the linter', async () => {
    const format = await import('../src/index.js');
    expect(format.lintInstruction).toBe(lintInstruction);
    expect(format.LINT_RULES).toBe(LINT_RULES);
  });
});

describe('realistic instructions', () => {
  const fixture = (name: string) =>
    readFileSync(fileURLToPath(new URL(`./fixtures/lint/${name}`, import.meta.url)), 'utf8');

  it('a plain-English instruction about a technical product has no diagnostics', () => {
    expect(lintInstruction(fixture('plain-english.txt'), { mode: 'strict' })).toEqual({ diagnostics: [], ok: true });
  });

  it('a planner that writes how is reported line by line', () => {
    const r = lintInstruction(fixture('overreach.txt'));
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`)).toEqual([
      'no-file-paths@5:10',
      'no-signatures@5:46',
      'no-shell-commands@6:25',
      'no-library-names@6:37',
      'no-sql@7:23',
      'no-sql@8:20',
      'no-data-schema@8:53',
      'no-library-names@9:7',
      'no-shell-commands@11:3',
      'no-file-paths@11:9',
      'no-heredoc@11:28',
      'no-file-contents@12:3',
      'no-shell-commands@14:12',
      'no-code-block@17:7',
      'foundation-version-mismatch@23:21',
      'uncheckable-validation@26:3',
      'uncheckable-validation@27:3',
      'no-shell-commands@28:3',
    ]);
  });
});

describe('rule catalogue', () => {
  it('has exactly the documented rule ids', () => {
    const ids: LintRuleId[] = [
      'no-code-block',
      'no-code-constructs',
      'no-data-schema',
      'no-directory-layout',
      'no-heredoc',
      'no-file-contents',
      'no-diff-hunk',
      'foundation-version-mismatch',
      'missing-objectives',
      'missing-validation',
      'empty-section',
      'duplicate-section',
      'no-library-names',
      'no-file-paths',
      'no-shell-commands',
      'no-signatures',
      'no-sql',
      'uncheckable-validation',
    ];
    expect(LINT_RULES.map((r) => r.id).sort()).toEqual([...ids].sort());
    // The id type is derived from the definitions: a literal union, not `string` (checked by tsc).
    // @ts-expect-error an id no rule defines is not a LintRuleId
    const unknown: LintRuleId = 'no-such-rule';
    expect(ids).not.toContain(unknown);
    for (const r of LINT_RULES) expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('reports boundary code as errors and implementation detail as warnings by default', () => {
    const severity = Object.fromEntries(LINT_RULES.map((r) => [r.id, r.defaultSeverity]));
    for (const id of ['no-code-block', 'no-heredoc', 'no-file-contents', 'no-diff-hunk', 'missing-validation'])
      expect(severity[id]).toBe('error');
    for (const id of [
      'no-library-names',
      'no-file-paths',
      'no-shell-commands',
      'no-signatures',
      'no-sql',
      'no-code-constructs',
      'no-data-schema',
      'no-directory-layout',
    ])
      expect(severity[id]).toBe('warning');
  });
});

describe('rule switching', () => {
  const text = buildInstruction({
    requirements: "- Install it with npm install zod@3\n- cat > a.txt << 'EOF'",
  }).text;

  it('defaults: heredoc is an error, the rest warnings, ok is false', () => {
    const r = lintInstruction(text);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['no-shell-commands', 'warning'],
      ['no-library-names', 'warning'],
      ['no-shell-commands', 'warning'],
      ['no-heredoc', 'error'],
    ]);
  });

  it('off removes a rule, warning downgrades it, error upgrades it', () => {
    const r = lintInstruction(text, {
      rules: { 'no-heredoc': 'warning', 'no-shell-commands': 'off', 'no-library-names': 'error' },
    });
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['no-library-names', 'error'],
      ['no-heredoc', 'warning'],
    ]);
    expect(r.ok).toBe(false);
  });

  it('ok is true when only warnings remain', () => {
    const r = lintInstruction(text, { rules: { 'no-heredoc': 'warning' } });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.length).toBe(4);
  });

  it('every rule can be switched off', () => {
    const all = Object.fromEntries(LINT_RULES.map((r) => [r.id, 'off' as const]));
    const messy = 'REQUIREMENTS:\n```\nrm -rf /\n```\nREQUIREMENTS:\n';
    const codes = lintInstruction(messy, { rules: all }).diagnostics.map((d) => d.code);
    for (const r of LINT_RULES) expect(codes).not.toContain(r.id);
  });

  it('an unknown rule id gives one warning instead of silently doing nothing', () => {
    const rules = { 'no-such-rule': 'off' } as unknown as Record<LintRuleId, 'off'>;
    const r = lintInstruction(canonical, { rules });
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'unknown-lint-rule', severity: 'warning' })]);
    expect(r.ok).toBe(true);
  });
});

describe('bad options and input', () => {
  it('an unknown setting keeps the default and warns', () => {
    const rules = { 'no-file-paths': 'loud' } as unknown as Record<LintRuleId, 'off'>;
    const text = buildInstruction({ requirements: '- Put it in src/a.ts' }).text;
    const r = lintInstruction(text, { rules });
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['invalid-lint-setting', 'warning'],
      ['no-file-paths', 'warning'],
    ]);
  });

  it('throws a typed error for input that is neither text nor an Instruction', () => {
    expect(() => lintInstruction(42 as unknown as string)).toThrow(InvalidLintInputError);
    expect(() => lintInstruction(null as unknown as string)).toThrow(InvalidLintInputError);
    try {
      lintInstruction({} as Instruction);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidLintInputError);
      expect(e).toBeInstanceOf(SessionHubError);
      expect((e as InvalidLintInputError).code).toBe('format.lint_invalid_input');
    }
  });
});

describe('Instruction objects', () => {
  it('positions findings on the canonical text formatInstruction writes', () => {
    const instruction: Instruction = {
      version: {
        text: '2.3',
        parts: [
          { number: 2, letter: '' },
          { number: 3, letter: '' },
        ],
      },
      name: 'Export sessions',
      kind: 'standard',
      objectives: [{ text: 'Users can export sessions', children: [] }],
      requirements: [
        { text: 'The export keeps the order', children: [{ text: 'Keep it in src/export/csv.ts', children: [] }] },
      ],
      foundationUpdate: {
        version: {
          text: '2.4',
          parts: [
            { number: 2, letter: '' },
            { number: 4, letter: '' },
          ],
        },
        addToLog: true,
        items: [],
      },
      validation: [{ text: 'Works well', children: [] }],
      successCriteria: [],
      notIncluded: [],
      extraSections: [],
    };
    const lines = formatInstruction(instruction).split('\n');
    const at = (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle));
      return [line + 1, (lines[line] ?? '').indexOf(needle) + 1];
    };
    const r = lintInstruction(instruction);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['no-file-paths', ...at('src/export/csv.ts')],
      ['foundation-version-mismatch', ...at('2.4')],
      ['uncheckable-validation', ...at('Works well')],
    ]);
    expect(r.ok).toBe(false);
  });

  it('reports a missing VALIDATION when the instruction has no items in it', () => {
    const instruction = parseInstruction(canonical).instruction!;
    const r = lintInstruction({ ...instruction, validation: [] });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['empty-section']);
  });
});

describe('text input', () => {
  it('includes the parser error diagnostics in strict mode, not its warnings in lenient mode', () => {
    const text = canonical.replace('- All tests pass', '* All tests pass');
    const strict = lintInstruction(text, { mode: 'strict' });
    expect(strict.ok).toBe(false);
    expect(strict.diagnostics.some((d) => d.code === 'non-canonical-item' && d.severity === 'error')).toBe(true);
    expect(lintInstruction(text)).toEqual({ diagnostics: [], ok: true });
  });

  it('lints strict input that the strict parser rejects, using a lenient reading for versions', () => {
    const text = canonical.replace('- Update to version 2.3', '- update to v2.4');
    const codes = lintInstruction(text, { mode: 'strict' }).diagnostics.map((d) => d.code);
    expect(codes).toContain('foundation-version-mismatch');
  });

  it('does not lint prose around the instruction or the fence that wraps it', () => {
    const text = [
      'Here is the instruction, using `npm install` as needed:',
      '',
      '```',
      ...buildInstruction({ requirements: '- Keep it in src/export.ts' }).text.trimEnd().split('\n'),
      '```',
      '',
      'Run rm -rf dist when done.',
    ].join('\n');
    expect(positions(text)).toEqual([['no-file-paths', 8, 14]]);
  });

  it('reads a claude-code "..." wrapper and positions findings on the original lines', () => {
    const body = buildInstruction({ requirements: '- Keep it in src/export.ts' }).text.trimEnd();
    const text = `claude-code "${body}"`;
    expect(positions(text)).toEqual([['no-file-paths', 5, 14]]);
  });

  it('counts lines the same with CRLF and CR line endings and a byte order mark', () => {
    const lf = buildInstruction({ requirements: '- Keep it in src/export.ts' }).text;
    const expected = [['no-file-paths', 5, 14]];
    expect(positions(lf)).toEqual(expected);
    expect(positions(lf.replace(/\n/g, '\r\n'))).toEqual(expected);
    expect(positions(lf.replace(/\n/g, '\r'))).toEqual(expected);
    const bom = `\uFEFF${lf.replace('Session 2.3: Export sessions as CSV', 'Session 2.3: Export with lodash')}`;
    const first = lintInstruction(bom).diagnostics.find((d) => d.code === 'no-library-names');
    // The parser counts the byte order mark as column 1 of line 1; the linter agrees.
    expect([first?.line, first?.column]).toEqual([1, 27]);
  });

  it('reads lenient Markdown headings and lints their sections', () => {
    const text = [
      '## Session 2.3: Export',
      '### Objectives',
      '- Users can export sessions',
      '### Requirements',
      '- Validate rows with zod',
      '### Foundation Update',
      '- Update to version 2.3',
      '### Validation',
      '- Everything is good',
    ].join('\n');
    expect(positions(text)).toEqual([
      ['no-library-names', 5, 22],
      ['uncheckable-validation', 9, 3],
    ]);
  });

  it('lints every line of text the parser cannot read as an instruction', () => {
    const r = lintInstruction('Just do it:\nnpm install left-pad\n');
    const codes = r.diagnostics.map((d) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['missing-objectives', 'missing-validation', 'no-shell-commands']));
    expect(r.ok).toBe(false);
    const shell = r.diagnostics.find((d) => d.code === 'no-shell-commands');
    expect([shell?.line, shell?.column]).toEqual([2, 1]);
  });

  it('orders diagnostics by line and column', () => {
    const text = buildInstruction({
      requirements: '- Use lodash in src/a.ts\n- SELECT * FROM t\n- Works well',
      validation: '- Works well',
    }).text;
    const d = lintInstruction(text).diagnostics;
    const keys = d.map((x) => x.line * 1000 + x.column);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(d.length).toBe(4);
  });

  it('gives every diagnostic a hint', () => {
    const text = buildInstruction({ requirements: '- npm install zod\n- Put it in src/x.ts' }).text;
    for (const d of lintInstruction(text).diagnostics) expect(d.hint).toBeTruthy();
  });
});
