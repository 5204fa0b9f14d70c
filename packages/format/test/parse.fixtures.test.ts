import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatInstruction } from '../src/instruction/format.js';
import { parseInstruction } from '../src/instruction/parse.js';

// Each fixture `<name>.txt` has `<name>.expected.txt` (its canonical form) and `<name>.expected.json`
// (diagnostics as `line:column severity code`, sections as `TITLE heading start-end`), reviewed by hand.
const dir = join(import.meta.dirname, 'fixtures', 'instructions');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.txt') && !f.includes('.expected.'));

describe('instruction fixtures', () => {
  it('exist', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });

  for (const file of fixtures) {
    it(file, () => {
      const base = file.replace(/\.txt$/, '');
      const text = readFileSync(join(dir, file), 'utf8');
      const r = parseInstruction(text, { mode: 'lenient' });
      const expected = JSON.parse(readFileSync(join(dir, `${base}.expected.json`), 'utf8'));
      expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}`)).toEqual(expected.diagnostics);
      expect(r.sections.map((s) => `${s.title} ${s.headingLine} ${s.startLine}-${s.endLine}`)).toEqual(
        expected.sections,
      );
      const canonical = readFileSync(join(dir, `${base}.expected.txt`), 'utf8');
      expect(formatInstruction(r.instruction!)).toBe(canonical);
      // The canonical form reads back in strict mode to the same instruction.
      const strict = parseInstruction(canonical, { mode: 'strict' });
      expect(strict.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(strict.instruction).toEqual(r.instruction);
    });
  }

  it('the canonical fixture is accepted as is by strict mode', () => {
    const text = readFileSync(join(dir, 'canonical.txt'), 'utf8');
    const r = parseInstruction(text, { mode: 'strict' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unknown-section']);
    expect(formatInstruction(r.instruction!)).toBe(text);
  });
});
