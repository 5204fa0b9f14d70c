import { describe, expect, it } from 'vitest';
import { INSTRUCTION_DIAGNOSTIC_CODES } from '../src/instruction/diagnostics.js';
import { parseInstruction } from '../src/instruction/parse.js';
import type { Diagnostic, InstructionItem, ParseResult } from '../src/types.js';

const lenient = (text: string): ParseResult => parseInstruction(text, { mode: 'lenient' });
const strict = (text: string): ParseResult => parseInstruction(text, { mode: 'strict' });
const codes = (r: ParseResult): string[] => r.diagnostics.map((d) => d.code);
const find = (r: ParseResult, code: string): Diagnostic => {
  const d = r.diagnostics.find((x) => x.code === code);
  if (!d) throw new Error(`no ${code} in ${JSON.stringify(r.diagnostics)}`);
  return d;
};
const texts = (items: InstructionItem[] | undefined): string[] => (items ?? []).map((i) => i.text);
const leaf = (text: string): InstructionItem => ({ text, children: [] });

const CANONICAL = `Session 2.3: Dark mode
OBJECTIVES:
1. Users can switch between light and dark themes
2. The choice survives a reload
REQUIREMENTS:
- The toggle is reachable from every page
FOUNDATION UPDATE:
- Update to version 2.3
- Add session to log
- Record the theme decision
VALIDATION:
- All existing tests pass
`;

/** The body every lenient example shares (only the variant under test changes). */
const BODY = `OBJECTIVES:
1. Do the thing
REQUIREMENTS:
- It is fast
FOUNDATION UPDATE:
- Update to version 2.3
- Add session to log
VALIDATION:
- Tests pass`;

describe('canonical form', () => {
  it('parses in both modes without diagnostics', () => {
    for (const r of [strict(CANONICAL), lenient(CANONICAL)]) {
      expect(r.diagnostics).toEqual([]);
      const i = r.instruction!;
      expect(i.version.text).toBe('2.3');
      expect(i.name).toBe('Dark mode');
      expect(i.kind).toBe('standard');
      expect(texts(i.objectives)).toEqual([
        'Users can switch between light and dark themes',
        'The choice survives a reload',
      ]);
      expect(texts(i.requirements)).toEqual(['The toggle is reachable from every page']);
      expect(i.foundationUpdate.version?.text).toBe('2.3');
      expect(i.foundationUpdate.addToLog).toBe(true);
      expect(texts(i.foundationUpdate.items)).toEqual(['Record the theme decision']);
      expect(texts(i.validation)).toEqual(['All existing tests pass']);
      expect(i.successCriteria).toEqual([]);
      expect(i.notIncluded).toEqual([]);
      expect(i.extraSections).toEqual([]);
      expect(i.complexity).toBeUndefined();
      expect(i.commitMessage).toBeUndefined();
    }
  });

  it('reports section spans on the original lines', () => {
    expect(strict(CANONICAL).sections).toEqual([
      { title: 'HEADER', headingLine: 1, startLine: 2, endLine: 1 },
      { title: 'OBJECTIVES', headingLine: 2, startLine: 3, endLine: 4 },
      { title: 'REQUIREMENTS', headingLine: 5, startLine: 6, endLine: 6 },
      { title: 'FOUNDATION UPDATE', headingLine: 7, startLine: 8, endLine: 10 },
      { title: 'VALIDATION', headingLine: 11, startLine: 12, endLine: 12 },
    ]);
  });

  it('accepts the optional sections in canonical order, and blank lines between sections', () => {
    const text = `${CANONICAL}
SUCCESS CRITERIA:
- A user can read the page at night
NOT INCLUDED:
- High-contrast theme
CONTEXT:
- Users asked for it
COMPLEXITY: moderate
COMMIT: 'Session 2.3: Dark mode - Foundation v2.3'
`;
    const r = strict(text);
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const i = r.instruction!;
    expect(texts(i.successCriteria)).toEqual(['A user can read the page at night']);
    expect(texts(i.notIncluded)).toEqual(['High-contrast theme']);
    expect(i.extraSections).toEqual([{ title: 'CONTEXT', items: [leaf('Users asked for it')] }]);
    expect(i.complexity).toBe('moderate');
    expect(i.commitMessage).toBe('Session 2.3: Dark mode - Foundation v2.3');
    expect(r.sections.map((s) => s.title)).toEqual([
      'HEADER',
      'OBJECTIVES',
      'REQUIREMENTS',
      'FOUNDATION UPDATE',
      'VALIDATION',
      'SUCCESS CRITERIA',
      'NOT INCLUDED',
      'CONTEXT',
      'COMPLEXITY',
      'COMMIT',
    ]);
    expect(r.sections.at(-1)).toEqual({ title: 'COMMIT', headingLine: 21, startLine: 21, endLine: 21 });
  });

  it('keeps sub-items under their parent (3 spaces under `1. `, 2 under `- `)', () => {
    const text = `Session 2.3: N
OBJECTIVES:
1. Parent
   - Child
     - Grandchild
2. Next
REQUIREMENTS:
- R
  - R child
FOUNDATION UPDATE:
- Update to version 2.3
VALIDATION:
- V
`;
    const r = strict(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.instruction!.objectives).toEqual([
      { text: 'Parent', children: [{ text: 'Child', children: [leaf('Grandchild')] }] },
      leaf('Next'),
    ]);
    expect(r.instruction!.requirements).toEqual([{ text: 'R', children: [leaf('R child')] }]);
  });
});

describe('versions in headers', () => {
  it.each([
    ['2.3', '2.3'],
    ['0.12', '0.12'],
    ['2.9.1', '2.9.1'],
    ['2.22A', '2.22A'],
    ['2.25A.1', '2.25A.1'],
    ['2.29.2H', '2.29.2H'],
    ['v2.3', '2.3'],
    ['V2.22b', '2.22B'],
  ])('reads %s', (written, text) => {
    const r = lenient(`Session ${written}: Name\n${BODY}`);
    expect(r.instruction?.version.text).toBe(text);
  });
});

describe('lenient variants', () => {
  it.each([
    ['colon', 'Session 2.3: Name'],
    ['hyphen', 'Session 2.3 - Name'],
    ['en dash', 'Session 2.3 – Name'],
    ['em dash', 'Session 2.3 — Name'],
    ['space before colon', 'Session 2.3 : Name'],
    ['Markdown heading', '## Session 2.3: Name'],
    ['Markdown heading with closing hashes', '# Session 2.3: Name #'],
    ['bold', '**Session 2.3: Name**'],
    ['lower case', 'session 2.3: Name'],
    ['indented', '  Session 2.3: Name'],
  ])('header with %s', (label, header) => {
    const r = lenient(`${header}\n${BODY}`);
    expect(r.instruction?.name).toBe('Name');
    expect(r.instruction?.version.text).toBe('2.3');
    expect(r.diagnostics).toEqual([]);
    if (label === 'colon') {
      expect(strict(`${header}\n${BODY}\n`).diagnostics).toEqual([]);
    } else {
      expect(strict(`${header}\n${BODY}\n`).instruction).toBeUndefined();
      expect(find(strict(`${header}\n${BODY}\n`), 'non-canonical-header').hint).toBe('Write `Session 2.3: Name`');
    }
  });

  it('reads an emergency session', () => {
    const r = lenient(`Emergency Session 0.11: Fix the login\n${BODY}`);
    expect(r.instruction?.kind).toBe('emergency');
    expect(r.instruction?.version.text).toBe('0.11');
    expect(r.instruction?.name).toBe('Fix the login');
    expect(strict(`Emergency Session 0.11: Fix the login\n${BODY}\n`).diagnostics).toEqual([
      expect.objectContaining({ code: 'version-mismatch', severity: 'warning' }),
    ]);
  });

  it('unwraps a code fence (backticks with info string, or tildes)', () => {
    for (const [open, close] of [
      ['```text', '```'],
      ['~~~', '~~~'],
      ['````', '````'],
    ]) {
      const r = lenient(`${open}\nSession 2.3: Name\n${BODY}\n${close}\n`);
      expect(r.instruction?.name).toBe('Name');
      expect(texts(r.instruction?.validation)).toEqual(['Tests pass']);
      expect(r.diagnostics).toEqual([]);
      expect(r.sections[0]).toEqual({ title: 'HEADER', headingLine: 2, startLine: 3, endLine: 2 });
      expect(find(strict(`${open}\nSession 2.3: Name\n${BODY}\n${close}\n`), 'non-canonical-wrapper').line).toBe(1);
    }
  });

  it('unwraps claude-code "..." and undoes escaped quotes', () => {
    const text = `claude-code "Session 2.3: Name\n${BODY.replace('It is fast', 'Show \\"Saved\\" after saving')}"\n`;
    const r = lenient(text);
    expect(r.instruction?.name).toBe('Name');
    expect(texts(r.instruction?.requirements)).toEqual(['Show "Saved" after saving']);
    expect(texts(r.instruction?.validation)).toEqual(['Tests pass']);
    expect(r.diagnostics).toEqual([]);
    const s = strict(text);
    expect(find(s, 'non-canonical-wrapper')).toMatchObject({ line: 1, column: 1 });
  });

  it('unwraps a one-line claude-code wrapper, single quotes, and a wrapper inside a fence', () => {
    expect(lenient(`claude-code 'Session 2.3: Name'`).instruction?.name).toBe('Name');
    const r = lenient(`\`\`\`bash\n$ claude-code "Session 2.3: Name\n${BODY}"\n\`\`\`\nThen wait.`);
    expect(r.instruction?.name).toBe('Name');
    expect(texts(r.instruction?.validation)).toEqual(['Tests pass']);
    expect(codes(r)).toEqual(['trailing-prose']);
  });

  it('accepts sections in any order', () => {
    const text = `Session 2.3: Name
VALIDATION:
- Tests pass
FOUNDATION UPDATE:
- Update to version 2.3
REQUIREMENTS:
- R
OBJECTIVES:
1. O`;
    const r = lenient(text);
    expect(r.diagnostics).toEqual([]);
    expect(texts(r.instruction?.objectives)).toEqual(['O']);
    expect(texts(r.instruction?.validation)).toEqual(['Tests pass']);
    expect(r.sections.map((s) => s.title)).toEqual([
      'HEADER',
      'VALIDATION',
      'FOUNDATION UPDATE',
      'REQUIREMENTS',
      'OBJECTIVES',
    ]);
    const s = strict(`${text}\n`);
    expect(find(s, 'section-order')).toMatchObject({ line: 4, severity: 'error' });
    expect(s.instruction).toBeUndefined();
  });

  it.each([
    [`COMMIT: 'Session 2.3: Name - Foundation v2.3'`, 'Session 2.3: Name - Foundation v2.3'],
    [`COMMIT: "Session 2.3: Name"`, 'Session 2.3: Name'],
    ['COMMIT: Session 2.3: Name', 'Session 2.3: Name'],
    ['**COMMIT:** `Session 2.3`', 'Session 2.3'],
  ])('keeps a trailing %s as commitMessage', (line, message) => {
    const r = lenient(`Session 2.3: Name\n${BODY}\n${line}\n`);
    expect(r.instruction?.commitMessage).toBe(message);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads the aliases GOALS, SUCCESS, SUCCESS CRITERIA, NOT INCLUDED and COMPLEXITY', () => {
    const text = `Session 2.3: Name
GOALS:
1. G
REQUIREMENTS:
- R
FOUNDATION UPDATE:
- Update to version 2.3
VALIDATION:
- V
SUCCESS:
- S1
SUCCESS CRITERIA:
- S2
NOT INCLUDED:
- N
COMPLEXITY: Complex`;
    const r = lenient(text);
    const i = r.instruction!;
    expect(texts(i.objectives)).toEqual(['G']);
    expect(texts(i.validation)).toEqual(['V']);
    expect(texts(i.successCriteria)).toEqual(['S1', 'S2']);
    expect(texts(i.notIncluded)).toEqual(['N']);
    expect(i.complexity).toBe('complex');
    // SUCCESS and SUCCESS CRITERIA are one section: the second is a duplicate (merged).
    expect(codes(r)).toEqual(['duplicate-section']);
    expect(find(strict(`${text}\n`), 'non-canonical-heading').line).toBe(2);
  });

  it.each(['simple', 'moderate', 'complex', 'epic'] as const)('reads COMPLEXITY: %s', (c) => {
    expect(strict(`${CANONICAL}COMPLEXITY: ${c}\n`).instruction?.complexity).toBe(c);
  });

  it('reports an unknown complexity', () => {
    const r = lenient(`${CANONICAL}COMPLEXITY: huge\n`);
    expect(r.instruction?.complexity).toBeUndefined();
    expect(find(r, 'bad-complexity')).toMatchObject({ line: 13, column: 13, severity: 'warning' });
  });

  it('reads Markdown headings and bold labels', () => {
    const text = `## Session 2.3: Name
### OBJECTIVES
1. O
**REQUIREMENTS:**
- R
**Foundation Update**:
- Update to version 2.3
#### Validation:
- V
### Background notes
- B`;
    const r = lenient(text);
    expect(r.diagnostics.filter((d) => d.code !== 'unknown-section')).toEqual([]);
    const i = r.instruction!;
    expect(texts(i.objectives)).toEqual(['O']);
    expect(texts(i.requirements)).toEqual(['R']);
    expect(i.foundationUpdate.version?.text).toBe('2.3');
    expect(texts(i.validation)).toEqual(['V']);
    expect(i.extraSections).toEqual([{ title: 'BACKGROUND NOTES', items: [leaf('B')] }]);
  });

  it('reads a known title followed by a remark in parentheses', () => {
    const r = lenient(
      `Session 2.3: Name\n${BODY.replace('OBJECTIVES:', 'OBJECTIVES (what, not how):').replace('VALIDATION:', '**Validation (all must pass):**')}`,
    );
    expect(texts(r.instruction?.objectives)).toEqual(['Do the thing']);
    expect(texts(r.instruction?.validation)).toEqual(['Tests pass']);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads numbered (1. and 1)) and bulleted (-, *, +, •) items', () => {
    const text = `Session 2.3: Name
OBJECTIVES:
1) First
2. Second
* Third
REQUIREMENTS:
- a
* b
+ c
• d
FOUNDATION UPDATE:
- Update to version 2.3
VALIDATION:
10. v`;
    const r = lenient(text);
    expect(texts(r.instruction?.objectives)).toEqual(['First', 'Second', 'Third']);
    expect(texts(r.instruction?.requirements)).toEqual(['a', 'b', 'c', 'd']);
    expect(texts(r.instruction?.validation)).toEqual(['v']);
    const s = strict(`${text}\n`);
    expect(s.diagnostics.filter((d) => d.code === 'non-canonical-item').map((d) => d.line)).toEqual([
      3, 5, 8, 9, 10, 14,
    ]);
  });

  it('joins items that wrap over several lines (indented or not)', () => {
    const text = `Session 2.3: Name
OBJECTIVES:
1. The dashboard shows the last
   thirty days of sessions
   grouped by week
2. Second item
continues here
REQUIREMENTS:
- R
FOUNDATION UPDATE:
- Update to version 2.3
VALIDATION:
- V`;
    const r = lenient(text);
    expect(texts(r.instruction?.objectives)).toEqual([
      'The dashboard shows the last thirty days of sessions grouped by week',
      'Second item continues here',
    ]);
    expect(find(strict(`${text}\n`), 'non-canonical-item')).toMatchObject({ line: 4, column: 4 });
  });

  it('keeps nested sub-bullets under their parent, whatever the indentation', () => {
    const text = `Session 2.3: Name
OBJECTIVES:
1. Parent
    * child one
        - grandchild
    * child two
  wrapped child text
2. Next
REQUIREMENTS:
- R
\t- tab child
FOUNDATION UPDATE:
- Update to version 2.3
VALIDATION:
- V`;
    const r = lenient(text);
    expect(r.instruction?.objectives).toEqual([
      {
        text: 'Parent',
        children: [{ text: 'child one', children: [leaf('grandchild')] }, leaf('child two wrapped child text')],
      },
      leaf('Next'),
    ]);
    expect(r.instruction?.requirements).toEqual([{ text: 'R', children: [leaf('tab child')] }]);
  });

  it('continues an item with an indented paragraph after a blank line (loose list)', () => {
    const r = lenient(
      `Session 2.3: Name\n${BODY.replace('- It is fast', '- It is fast\n\n  even on slow phones\n- Second')}`,
    );
    expect(texts(r.instruction?.requirements)).toEqual(['It is fast even on slow phones', 'Second']);
  });

  it('reads a paragraph as an item in a section without bullets', () => {
    const r = lenient(
      `Session 2.3: Name\nCONTEXT:\nThe app lacks a dark theme.\nUsers asked for one.\n\nAnother paragraph.\n${BODY}`,
    );
    expect(r.instruction?.extraSections).toEqual([
      {
        title: 'CONTEXT',
        items: [leaf('The app lacks a dark theme. Users asked for one.'), leaf('Another paragraph.')],
      },
    ]);
  });

  it('handles CRLF, a BOM, tabs and trailing spaces', () => {
    const text = `\ufeffSession 2.3: Name   \r\nOBJECTIVES:\t\r\n1.\tDo it  \r\nREQUIREMENTS:\r\n-  R\t\r\nFOUNDATION UPDATE:\r\n- Update to version 2.3\r\nVALIDATION:\r\n- V\r\n`;
    const r = lenient(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.instruction?.name).toBe('Name');
    expect(texts(r.instruction?.objectives)).toEqual(['Do it']);
    expect(texts(r.instruction?.requirements)).toEqual(['R']);
    expect(r.sections[1]).toEqual({ title: 'OBJECTIVES', headingLine: 2, startLine: 3, endLine: 3 });
    const s = strict(text);
    expect(s.instruction).toBeUndefined();
    expect(s.diagnostics.filter((d) => d.code === 'non-canonical-whitespace').slice(0, 3)).toEqual([
      expect.objectContaining({ line: 1, column: 1, message: expect.stringContaining('Byte order mark') }),
      // Line 1 is "\ufeffSession 2.3: Name   ": the BOM is column 1, so the trailing spaces start at 19.
      expect.objectContaining({ line: 1, column: 19, message: 'Trailing whitespace' }),
      expect.objectContaining({ line: 1, column: 22, message: expect.stringContaining('CRLF') }),
    ]);
  });

  it('ignores prose before the header and after the last section', () => {
    const text = `Here is the next session.\n\nSession 2.3: Name\n${BODY}\n- Docs build\n\nLet me know if anything is unclear!\n- really`;
    const r = lenient(text);
    expect(r.instruction?.name).toBe('Name');
    expect(texts(r.instruction?.validation)).toEqual(['Tests pass', 'Docs build']);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'prose-before-header', severity: 'info', line: 1, column: 1 }),
      expect.objectContaining({ code: 'trailing-prose', severity: 'info', line: 15, column: 1 }),
    ]);
    expect(r.sections.at(-1)).toEqual({ title: 'VALIDATION', headingLine: 11, startLine: 12, endLine: 13 });
    expect(codes(strict(text)).filter((c) => c === 'non-canonical-wrapper')).toHaveLength(2);
  });

  it('keeps extra sections (CONTEXT, NOTES, DEPENDENCIES) in order', () => {
    const r = lenient(`Session 2.3: Name\nCONTEXT:\n- c\n${BODY}\nNOTES:\n- n\nDEPENDENCIES:\n- Session 2.2\n`);
    expect(r.instruction?.extraSections.map((s) => s.title)).toEqual(['CONTEXT', 'NOTES', 'DEPENDENCIES']);
    expect(r.instruction?.extraSections[2]?.items).toEqual([leaf('Session 2.2')]);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['unknown-section', 'info'],
      ['unknown-section', 'info'],
      ['unknown-section', 'info'],
    ]);
  });

  it('keeps every paragraph of a last section written as prose', () => {
    const r = lenient(`Session 2.3: Name\n${BODY}\nNOTES:\nFirst paragraph.\n\nSecond paragraph.`);
    expect(r.instruction?.extraSections).toEqual([
      { title: 'NOTES', items: [leaf('First paragraph.'), leaf('Second paragraph.')] },
    ]);
    expect(codes(r)).toEqual(['unknown-section']);
  });

  it('adds no item for heading content that is only control characters', () => {
    const r = lenient(`Session 2.3: Name\nOBJECTIVES:\u0000\n1. O\nCOMPLEXITY: \u0001`);
    expect(r.instruction?.objectives).toEqual([leaf('O')]);
    expect(find(r, 'empty-section').line).toBe(4);
  });

  it('turns content on a heading line into the first item', () => {
    const r = lenient(
      `Session 2.3: Name\nOBJECTIVES: Ship it\n  - sub\n${BODY.replace('OBJECTIVES:\n1. Do the thing\n', '')}`,
    );
    expect(r.instruction?.objectives).toEqual([{ text: 'Ship it', children: [leaf('sub')] }]);
  });
});

describe('FOUNDATION UPDATE items', () => {
  it.each([
    ['Update to version 2.3', '2.3'],
    ['Update Foundation to v2.3', '2.3'],
    ['Update Foundation document to version 2.3.', '2.3'],
    ['Bump version to 2.3', '2.3'],
    ['update foundation.md to version v2.3', '2.3'],
    ['Set version to 2.22A', '2.22A'],
  ])('reads the target version from %j', (item, version) => {
    const r = lenient(`Session ${version}: N\nFOUNDATION UPDATE:\n- ${item}\n- Something else`);
    expect(r.instruction?.foundationUpdate.version?.text).toBe(version);
    expect(texts(r.instruction?.foundationUpdate.items)).toEqual(['Something else']);
  });

  it.each([
    'Add session to log',
    'Add to session log',
    'Add this session to the Foundation session log',
    'Add session log entry.',
  ])('reads the log request from %j', (item) => {
    const r = lenient(`Session 2.3: N\nFOUNDATION UPDATE:\n- ${item}`);
    expect(r.instruction?.foundationUpdate.addToLog).toBe(true);
    expect(r.instruction?.foundationUpdate.items).toEqual([]);
  });

  it.each(['Update the README', 'Add a changelog', 'Log in as admin', 'Update to the latest design'])(
    'keeps %j as an item',
    (item) => {
      const r = lenient(`Session 2.3: N\nFOUNDATION UPDATE:\n- ${item}`);
      expect(r.instruction?.foundationUpdate).toEqual({ addToLog: false, items: [leaf(item)] });
    },
  );

  it('warns about an unreadable, a second, or a mismatching target version', () => {
    const r = lenient(
      `Session 2.3: N\nFOUNDATION UPDATE:\n- Update to version 2.x\n- Update to version 2.4\n- Bump version to 2.5`,
    );
    expect(r.instruction?.foundationUpdate.version?.text).toBe('2.4');
    expect(texts(r.instruction?.foundationUpdate.items)).toEqual(['Update to version 2.x', 'Bump version to 2.5']);
    expect(find(r, 'bad-version')).toMatchObject({ line: 3, column: 1, severity: 'warning' });
    expect(find(r, 'version-mismatch')).toMatchObject({ line: 4, column: 1 });
    expect(find(r, 'duplicate-foundation-version')).toMatchObject({ line: 5, column: 1 });
  });

  it('requires the canonical spelling and order in strict mode', () => {
    const text = CANONICAL.replace(
      '- Update to version 2.3\n- Add session to log',
      '- Add to session log\n- Bump version to 2.3',
    );
    const s = strict(text);
    expect(s.instruction).toBeUndefined();
    expect(s.diagnostics.filter((d) => d.code === 'non-canonical-item').map((d) => [d.line, d.hint])).toEqual([
      [8, 'Write `- Add session to log` right after the target version'],
      [9, 'Write `- Update to version 2.3` as the first item'],
    ]);
  });
});

describe('diagnostics', () => {
  it('every code used is documented in INSTRUCTION_DIAGNOSTIC_CODES', () => {
    expect(new Set(INSTRUCTION_DIAGNOSTIC_CODES).size).toBe(INSTRUCTION_DIAGNOSTIC_CODES.length);
    for (const code of INSTRUCTION_DIAGNOSTIC_CODES) expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('empty-input and missing-header: no instruction', () => {
    expect(lenient('')).toEqual({
      diagnostics: [expect.objectContaining({ code: 'empty-input', line: 1, column: 1 })],
      sections: [],
    });
    expect(lenient(' \n\t\n').instruction).toBeUndefined();
    const r = lenient('OBJECTIVES:\n1. Something\n');
    expect(r.instruction).toBeUndefined();
    expect(codes(r)).toEqual(['missing-header']);
    expect(r.diagnostics[0]?.hint).toContain('Session 2.3: Name');
  });

  it('bad-version and missing-name point at the problem', () => {
    const bad = lenient('Intro\nSession 2.x: Name\n');
    expect(bad.instruction).toBeUndefined();
    expect(find(bad, 'bad-version')).toMatchObject({ line: 2, column: 9, severity: 'error' });
    const noName = lenient('Session 2.3:   \nOBJECTIVES:\n');
    expect(noName.instruction).toBeUndefined();
    expect(find(noName, 'missing-name')).toMatchObject({ line: 1, column: 16 });
    // A later readable header wins over an earlier unreadable one.
    expect(lenient('Session 3: x\nSession 2.3: Name\n').instruction?.name).toBe('Name');
  });

  it('missing-section: warning in lenient, error in strict, at the header', () => {
    const r = lenient('Session 2.3: Name\nOBJECTIVES:\n1. O\n');
    expect(r.instruction).toBeDefined();
    expect(
      r.diagnostics.filter((d) => d.code === 'missing-section').map((d) => [d.severity, d.message, d.line]),
    ).toEqual([
      ['warning', 'No REQUIREMENTS section', 1],
      ['warning', 'No FOUNDATION UPDATE section', 1],
      ['warning', 'No VALIDATION section', 1],
    ]);
    expect(strict('Session 2.3: Name\nOBJECTIVES:\n1. O\n').diagnostics.every((d) => d.severity === 'error')).toBe(
      true,
    );
  });

  it('duplicate-section merges known sections and keeps extra ones apart', () => {
    const r = lenient(`Session 2.3: Name\n${BODY}\nOBJECTIVES:\n1. More\nNOTES:\n- a\nNOTES:\n- b`);
    expect(texts(r.instruction?.objectives)).toEqual(['Do the thing', 'More']);
    expect(r.instruction?.extraSections).toEqual([
      { title: 'NOTES', items: [leaf('a')] },
      { title: 'NOTES', items: [leaf('b')] },
    ]);
    expect(r.diagnostics.filter((d) => d.code === 'duplicate-section').map((d) => [d.line, d.severity])).toEqual([
      [11, 'warning'],
      [15, 'warning'],
    ]);
  });

  it('empty-section and empty-item', () => {
    const r = lenient(
      'Session 2.3: Name\nOBJECTIVES:\nREQUIREMENTS:\n- \n-\nFOUNDATION UPDATE:\n- Update to version 2.3\nVALIDATION:\n- V\n',
    );
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['empty-section', 2, 1],
      ['empty-section', 3, 1],
      ['empty-item', 4, 1],
      ['empty-item', 5, 1],
    ]);
  });

  it('item-outside-section: text between the header and the first section', () => {
    const r = lenient(`Session 2.3: Name\nThis session adds dark mode.\nIt is overdue.\n- stray\n${BODY}`);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['item-outside-section', 2],
      ['item-outside-section', 4],
    ]);
    expect(r.sections[0]).toEqual({ title: 'HEADER', headingLine: 1, startLine: 2, endLine: 4 });
    expect(texts(r.instruction?.objectives)).toEqual(['Do the thing']);
  });

  it('unknown-section is informational and positions at the heading text', () => {
    const r = lenient(`Session 2.3: Name\n${BODY}\n  RISKS:\n- r`);
    expect(find(r, 'unknown-section')).toMatchObject({ severity: 'info', line: 11, column: 3 });
  });

  it('unterminated-fence in the body: reported, and later sections still read', () => {
    const r = lenient(
      `Session 2.3: Name\nOBJECTIVES:\n1. O\n\`\`\`ts\nREQUIREMENTS:\n- R\nFOUNDATION UPDATE:\n- Update to version 2.3\nVALIDATION:\n- V`,
    );
    expect(find(r, 'unterminated-fence')).toMatchObject({ line: 4, column: 1, severity: 'warning' });
    expect(texts(r.instruction?.requirements)).toEqual(['R']);
    expect(texts(r.instruction?.validation)).toEqual(['V']);
  });

  it('unterminated-fence before the header, and unterminated-wrapper', () => {
    const r = lenient(`\`\`\`\nSession 2.3: Name\n${BODY}`);
    expect(find(r, 'unterminated-fence')).toMatchObject({ line: 1, column: 1 });
    expect(r.instruction?.name).toBe('Name');
    const w = lenient(`claude-code "Session 2.3: Name\n${BODY}\n`);
    expect(find(w, 'unterminated-wrapper')).toMatchObject({ line: 1, column: 13 });
    expect(texts(w.instruction?.validation)).toEqual(['Tests pass']);
  });

  it('a closed code block inside a section stays with its item (the linter judges it)', () => {
    const r = lenient(`Session 2.3: Name\n${BODY.replace('- It is fast', '- It is fast\n  ```\n  npm test\n  ```')}`);
    expect(texts(r.instruction?.requirements)).toEqual(['It is fast ``` npm test ```']);
    expect(r.sections.find((s) => s.title === 'REQUIREMENTS')).toEqual({
      title: 'REQUIREMENTS',
      headingLine: 4,
      startLine: 5,
      endLine: 8,
    });
  });

  it('extra-header: a second instruction ends the first', () => {
    const r = lenient(`Session 2.3: Name\n${BODY}\n\nSession 2.4: Other\n${BODY}`);
    expect(r.instruction?.name).toBe('Name');
    expect(texts(r.instruction?.objectives)).toEqual(['Do the thing']);
    expect(find(r, 'extra-header')).toMatchObject({ line: 12, severity: 'info' });
  });

  it('nesting-too-deep keeps deep items at the deepest level', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `${' '.repeat(i * 2)}- level ${i}`);
    const r = lenient(`Session 2.3: Name\nNOTES:\n${lines.join('\n')}`);
    let depth = 0;
    let node = r.instruction!.extraSections[0]!.items[0];
    while (node && node.children.length > 0) {
      depth++;
      node = node.children[node.children.length - 1];
    }
    expect(depth).toBe(7);
    expect(find(r, 'nesting-too-deep')).toMatchObject({ line: 11, severity: 'warning' });
  });
});

describe('strict mode', () => {
  it.each([
    [
      'a Markdown section heading',
      CANONICAL.replace('OBJECTIVES:', '## OBJECTIVES'),
      'non-canonical-heading',
      2,
      'Write `OBJECTIVES:`',
    ],
    [
      'a lower-case heading',
      CANONICAL.replace('REQUIREMENTS:', 'Requirements:'),
      'non-canonical-heading',
      5,
      'Write `REQUIREMENTS:`',
    ],
    ['an alias', CANONICAL.replace('OBJECTIVES:', 'GOALS:'), 'non-canonical-heading', 2, 'Write `OBJECTIVES:`'],
    ['a bullet in OBJECTIVES', CANONICAL.replace('1. Users', '- Users'), 'non-canonical-item', 3, 'Write `1. text`'],
    ['wrong numbering', CANONICAL.replace('2. The', '3. The'), 'non-canonical-item', 4, 'Write `2. text`'],
    ['a star bullet', CANONICAL.replace('- The toggle', '* The toggle'), 'non-canonical-item', 6, 'Write `- text`'],
    [
      'two spaces after the marker',
      CANONICAL.replace('- The toggle', '-  The toggle'),
      'non-canonical-item',
      6,
      'Write `- text`',
    ],
    [
      'a v-prefixed header version',
      CANONICAL.replace('Session 2.3', 'Session v2.3'),
      'non-canonical-header',
      1,
      'Write `Session 2.3: Dark mode`',
    ],
    [
      'a blank line inside a section',
      CANONICAL.replace('1. Users', '\n1. Users'),
      'non-canonical-whitespace',
      4,
      'Blank lines may only come before a section heading',
    ],
    [
      'a horizontal rule',
      CANONICAL.replace('REQUIREMENTS:', '---\nREQUIREMENTS:'),
      'non-canonical-item',
      5,
      'Remove it',
    ],
    [
      'an unquoted commit message',
      `${CANONICAL}COMMIT: Session 2.3`,
      'non-canonical-heading',
      13,
      "Write `COMMIT: 'Session 2.3'`",
    ],
    [
      'a capitalised complexity',
      `${CANONICAL}COMPLEXITY: Epic`,
      'non-canonical-heading',
      13,
      'Write `COMPLEXITY: epic`',
    ],
    ['a paragraph', CANONICAL.replace('- All existing', 'All existing'), 'non-canonical-item', 12, 'Write `- text`'],
    [
      'a sub-item indented by 2 under `1. `',
      CANONICAL.replace('2. The', '  - sub\n2. The'),
      'non-canonical-item',
      4,
      'Write `   - text`',
    ],
    [
      'a whitespace-only line',
      CANONICAL.replace('REQUIREMENTS:', '  \nREQUIREMENTS:'),
      'non-canonical-whitespace',
      5,
      'Remove trailing spaces',
    ],
    ['leading blank line', `\n${CANONICAL}`, 'non-canonical-wrapper', 2, 'Remove the blank lines before the header'],
  ])('rejects %s', (_label, text, code, line, hint) => {
    const r = strict(text);
    expect(r.instruction).toBeUndefined();
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code, line, hint, severity: 'error' }));
    // Lenient mode reads the same text.
    expect(lenient(text).instruction).toBeDefined();
  });
});

describe('line and column positions on the original text', () => {
  it('count the BOM as column 1 of line 1', () => {
    const r = lenient('\ufeffSession 2.x: Name');
    expect(find(r, 'bad-version')).toMatchObject({ line: 1, column: 10 });
  });

  it('stay exact with CRLF and lone CR line endings', () => {
    const crlf = lenient(`Session 2.3: Name\r\n${BODY.replaceAll('\n', '\r\n')}\r\n  EXTRA:\r\n`);
    expect(find(crlf, 'unknown-section')).toMatchObject({ line: 11, column: 3 });
    const cr = lenient(`Session 2.3: Name\r${BODY.replaceAll('\n', '\r')}\r  EXTRA:\r`);
    expect(find(cr, 'unknown-section')).toMatchObject({ line: 11, column: 3 });
  });

  it('stay exact inside a claude-code wrapper, on its first line too', () => {
    const r = lenient('claude-code "Session 2.x: Name"');
    expect(find(r, 'bad-version')).toMatchObject({ line: 1, column: 22 });
    const inner = lenient(`claude-code "Session 2.3: Name\n${BODY}\n   - \n"`);
    expect(find(inner, 'empty-item')).toMatchObject({ line: 11, column: 4 });
    const sameLine = lenient(`claude-code "Session 2.3: Name\nCOMPLEXITY: huge"`);
    expect(find(sameLine, 'bad-complexity')).toMatchObject({ line: 2, column: 13 });
  });

  it('stay exact inside an indented fence', () => {
    const r = lenient(
      `Steps:\n\n   \`\`\`\n   Session 2.3: Name\n   ${BODY.replaceAll('\n', '\n   ')}\n   NOTES:\n   \`\`\``,
    );
    expect(find(r, 'empty-section')).toMatchObject({ line: 14, column: 4 });
    expect(texts(r.instruction?.validation)).toEqual(['Tests pass']);
  });

  it('give each section its lines in a messy text', () => {
    const text = `Intro\n\n\`\`\`\n## Session 2.3: Name\n\n### GOALS\n1. A\n   wrapped\n\n**REQUIREMENTS:**\n- R\n\`\`\``;
    expect(lenient(text).sections).toEqual([
      { title: 'HEADER', headingLine: 4, startLine: 5, endLine: 4 },
      { title: 'OBJECTIVES', headingLine: 6, startLine: 7, endLine: 8 },
      { title: 'REQUIREMENTS', headingLine: 10, startLine: 11, endLine: 11 },
    ]);
  });
});
