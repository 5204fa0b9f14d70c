import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInstruction } from '../src/instruction/format.js';
import { parseInstruction } from '../src/instruction/parse.js';
import { messyText, validInstruction } from './fixtures/instructions/arbitraries.js';

describe('parse(format(x)) === x', () => {
  it('holds for every valid instruction, in strict and lenient mode, with no errors', () => {
    fc.assert(
      fc.property(validInstruction, (x) => {
        const text = formatInstruction(x);
        for (const mode of ['strict', 'lenient'] as const) {
          const r = parseInstruction(text, { mode });
          expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          expect(r.instruction).toEqual(x);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('format(parse(t)) is idempotent', () => {
  it('holds for messy texts that parse, and the canonical text passes strict mode', () => {
    let parsed = 0;
    fc.assert(
      fc.property(messyText, (t) => {
        const r = parseInstruction(t, { mode: 'lenient' });
        if (!r.instruction) return;
        parsed++;
        const once = formatInstruction(r.instruction);
        const strict = parseInstruction(once, { mode: 'strict' });
        expect(strict.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(formatInstruction(strict.instruction!)).toBe(once);
        expect(formatInstruction(parseInstruction(once).instruction!)).toBe(once);
      }),
      { numRuns: 500 },
    );
    // The generator must actually produce parseable texts, or the property says nothing.
    expect(parsed).toBeGreaterThan(100);
  });
});
