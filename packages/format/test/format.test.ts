import { describe, expect, it } from 'vitest';
import { formatInstruction } from '../src/instruction/format.js';
import { parseInstruction } from '../src/instruction/parse.js';
import type { Instruction, InstructionItem } from '../src/types.js';
import { parseVersion } from '../src/version.js';

const leaf = (text: string): InstructionItem => ({ text, children: [] });

function base(overrides: Partial<Instruction> = {}): Instruction {
  return {
    version: parseVersion('2.3')!,
    name: 'Dark mode',
    kind: 'standard',
    objectives: [leaf('O1')],
    requirements: [leaf('R1')],
    foundationUpdate: { version: parseVersion('2.3')!, addToLog: true, items: [] },
    validation: [leaf('V1')],
    successCriteria: [],
    notIncluded: [],
    extraSections: [],
    ...overrides,
  };
}

describe('formatInstruction', () => {
  it('writes the canonical form', () => {
    expect(formatInstruction(base())).toBe(
      'Session 2.3: Dark mode\nOBJECTIVES:\n1. O1\nREQUIREMENTS:\n- R1\nFOUNDATION UPDATE:\n- Update to version 2.3\n- Add session to log\nVALIDATION:\n- V1\n',
    );
  });

  it('writes every optional section in the documented order, and only when it has content', () => {
    const text = formatInstruction(
      base({
        kind: 'emergency',
        successCriteria: [leaf('S')],
        notIncluded: [leaf('N')],
        extraSections: [
          { title: 'CONTEXT', items: [leaf('C')] },
          { title: 'NOTES', items: [] },
        ],
        complexity: 'epic',
        commitMessage: "Session 2.3: Dark mode - it's done",
        foundationUpdate: { addToLog: false, items: [leaf('Record the decision')] },
      }),
    );
    expect(text).toBe(
      [
        'Emergency Session 2.3: Dark mode',
        'OBJECTIVES:',
        '1. O1',
        'REQUIREMENTS:',
        '- R1',
        'FOUNDATION UPDATE:',
        '- Record the decision',
        'VALIDATION:',
        '- V1',
        'SUCCESS CRITERIA:',
        '- S',
        'NOT INCLUDED:',
        '- N',
        'CONTEXT:',
        '- C',
        'NOTES:',
        'COMPLEXITY: epic',
        "COMMIT: 'Session 2.3: Dark mode - it's done'",
        '',
      ].join('\n'),
    );
    expect(formatInstruction(base())).not.toContain('SUCCESS CRITERIA');
  });

  it('indents sub-items under the parent text: 3 spaces under `1.`, 4 under `10.`, 2 under `-`', () => {
    const objectives = Array.from({ length: 10 }, (_, i) => leaf(`O${i + 1}`));
    objectives[0] = { text: 'O1', children: [{ text: 'a', children: [leaf('b')] }] };
    objectives[9] = { text: 'O10', children: [leaf('c')] };
    const text = formatInstruction(base({ objectives, requirements: [{ text: 'R', children: [leaf('d')] }] }));
    expect(text).toContain('1. O1\n   - a\n     - b\n2. O2');
    expect(text).toContain('10. O10\n    - c\n');
    expect(text).toContain('- R\n  - d\n');
    expect(parseInstruction(text, { mode: 'strict' }).instruction?.objectives).toEqual(objectives);
  });

  it('keeps every item on one line: line breaks and tabs become spaces, texts are trimmed', () => {
    const text = formatInstruction(
      base({ name: ' Two\nlines ', requirements: [leaf('a\r\nb\tc  '), leaf('\u0000x')], commitMessage: '  ' }),
    );
    expect(text).toContain('Session 2.3: Two lines\n');
    expect(text).toContain('- a b c\n- x\n');
    expect(text).not.toContain('COMMIT');
    expect(parseInstruction(text, { mode: 'strict' }).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('upper-cases extra-section titles and drops characters a title cannot hold', () => {
    const text = formatInstruction(base({ extraSections: [{ title: 'Open questions (draft)', items: [leaf('q')] }] }));
    expect(text).toContain('OPEN QUESTIONS DRAFT:\n- q\n');
  });

  it('writes deep trees (the output grows with depth squared, so 3,000 levels)', () => {
    let root: InstructionItem = leaf('deepest');
    for (let i = 0; i < 3_000; i++) root = { text: `level ${i}`, children: [root] };
    const lines = formatInstruction(base({ requirements: [root] })).split('\n');
    const deepest = lines.find((l) => l.endsWith('- deepest'));
    expect(deepest).toBe(`${' '.repeat(2 * 3_000)}- deepest`);
  });
});
