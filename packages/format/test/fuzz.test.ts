import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInstruction } from '../src/instruction/format.js';
import { parseInstruction } from '../src/instruction/parse.js';
import { ParseResultSchema } from '../src/schemas.js';
import type { ParseResult } from '../src/types.js';
import { messyText, validInstruction } from './fixtures/instructions/arbitraries.js';
import { adversarialTexts, deeplyNested, hugeInstruction, randomBytes } from './fixtures/instructions/bad-input.js';

/** Checks the invariants every parse result must satisfy, whatever the input. */
function checkResult(text: string, r: ParseResult, strict: boolean): void {
  const lineCount = text.split(/\r\n|\r|\n/).length;
  expect(ParseResultSchema.safeParse(r).success).toBe(true);
  for (const d of r.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lineCount);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.code).not.toBe('internal-error');
  }
  for (const s of r.sections) {
    expect(s.headingLine).toBeLessThanOrEqual(lineCount);
    expect(s.endLine).toBeLessThanOrEqual(lineCount);
    expect(s.endLine).toBeGreaterThanOrEqual(s.startLine - 1);
  }
  if (strict && r.instruction) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(false);
  if (!r.instruction) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
}

const both = (text: string): void => {
  checkResult(text, parseInstruction(text, { mode: 'lenient' }), false);
  checkResult(text, parseInstruction(text, { mode: 'strict' }), true);
};

/** Any UTF-16 code unit, lone surrogates and control characters included (fast, unlike the 'binary' unit). */
const anyUtf16Unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** Random edits of a canonical text: inserted, deleted and replaced characters. */
const mutated = fc
  .tuple(
    validInstruction.map(formatInstruction),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat(3),
        fc.string({
          unit: fc.constantFrom('\n', '\r', ' ', '\t', '-', '*', ':', '#', '`', '"', '1', '.', 'A', '\ufeff'),
          maxLength: 3,
        }),
      ),
      {
        maxLength: 6,
      },
    ),
  )
  .map(([text, edits]) => {
    let t = text;
    for (const [at, del, ins] of edits) {
      const i = at % (t.length + 1);
      t = t.slice(0, i) + ins + t.slice(i + del);
    }
    return t;
  });

describe('fuzz: never throws, always well-formed', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: anyUtf16Unit, maxLength: 200 })), both),
      { numRuns: 1500 },
    );
  });

  it('on messy instruction-like texts', () => {
    fc.assert(fc.property(messyText, both), { numRuns: 1000 });
  });

  it('on randomly edited canonical texts', () => {
    fc.assert(fc.property(mutated, both), { numRuns: 700 });
  });
});

describe('bad input comes back with diagnostics, never a throw or a hang', () => {
  it('1 MB of random bytes (as Latin-1 and as UTF-8)', { timeout: 60_000 }, () => {
    const bytes = randomBytes(1024 * 1024, 42);
    for (const text of [Buffer.from(bytes).toString('latin1'), new TextDecoder().decode(bytes)]) {
      for (const mode of ['lenient', 'strict'] as const) {
        const r = parseInstruction(text, { mode });
        expect(r.instruction).toBeUndefined();
        expect(r.diagnostics.length).toBeGreaterThan(0);
        expect(r.diagnostics.some((d) => d.code === 'internal-error')).toBe(false);
      }
    }
  });

  it('an instruction of 100,000 items', { timeout: 60_000 }, () => {
    const text = hugeInstruction(100_000);
    const r = parseInstruction(text, { mode: 'strict' });
    expect(r.diagnostics).toEqual([]);
    expect(r.instruction?.objectives).toHaveLength(100_000);
    expect(r.instruction?.objectives[99_999]?.text).toBe('Objective number 100000');
    expect(formatInstruction(r.instruction!)).toBe(text);
  });

  it('deeply nested bullets (3,000 levels, 4.5 MB of indentation)', { timeout: 60_000 }, () => {
    const r = parseInstruction(deeplyNested(3_000));
    expect(r.diagnostics.map((d) => d.code)).toContain('nesting-too-deep');
    expect(r.instruction?.objectives).toHaveLength(1);
    // The serializer is not recursive either, and the capped tree survives a round trip.
    const text = formatInstruction(r.instruction!);
    expect(parseInstruction(text, { mode: 'strict' }).instruction).toEqual(r.instruction);
  });

  it('many diagnostics are capped with a note', { timeout: 60_000 }, () => {
    const r = parseInstruction(`Session 2.3: X\nOBJECTIVES:\n${'- \n'.repeat(5000)}`);
    expect(r.diagnostics.length).toBeLessThanOrEqual(501);
    expect(r.diagnostics.at(-1)?.code).toBe('too-many-diagnostics');
  });

  for (const [label, text] of Object.entries(adversarialTexts(20_000))) {
    it(`adversarial: ${label}`, { timeout: 60_000 }, () => {
      both(text);
    });
  }
});
