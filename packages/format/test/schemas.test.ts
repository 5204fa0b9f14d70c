import * as api from '@sessionhub/format';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { compareWithDirectory, renderJsonSchemas, schemaFileName } from '../scripts/gen-json-schema.js';
import { formatInstruction } from '../src/instruction/format.js';
import { parseInstruction } from '../src/instruction/parse.js';
import {
  DiagnosticSchema,
  InstructionSchema,
  ParseResultSchema,
  SectionSpanSchema,
  SessionVersionSchema,
} from '../src/schemas.js';
import type { Instruction, ParseResult } from '../src/types.js';
import { parseVersion } from '../src/version.js';
import { messyText, validInstruction } from './fixtures/instructions/arbitraries.js';

describe('zod schemas', () => {
  it('infer exactly the types of types.ts', () => {
    expectTypeOf<z.infer<typeof InstructionSchema>>().toEqualTypeOf<Instruction>();
    expectTypeOf<z.infer<typeof ParseResultSchema>>().toEqualTypeOf<ParseResult>();
  });

  it('accept every valid instruction and every parser result', () => {
    fc.assert(
      fc.property(validInstruction, (x) => {
        expect(InstructionSchema.safeParse(x).success).toBe(true);
        expect(ParseResultSchema.safeParse(parseInstruction(formatInstruction(x))).success).toBe(true);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(messyText, (t) => {
        expect(ParseResultSchema.safeParse(parseInstruction(t)).success).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('reject malformed values', () => {
    const good = parseInstruction('Session 2.3: N\nOBJECTIVES:\n1. o\n').instruction!;
    expect(InstructionSchema.safeParse(good).success).toBe(true);
    expect(InstructionSchema.safeParse({ ...good, name: '' }).success).toBe(false);
    expect(InstructionSchema.safeParse({ ...good, kind: 'urgent' }).success).toBe(false);
    expect(InstructionSchema.safeParse({ ...good, complexity: 'huge' }).success).toBe(false);
    expect(InstructionSchema.safeParse({ ...good, objectives: [{ text: 'x' }] }).success).toBe(false);
    expect(SessionVersionSchema.safeParse(parseVersion('2.25A.1')).success).toBe(true);
    expect(SessionVersionSchema.safeParse({ text: 'v2.3', parts: parseVersion('2.3')!.parts }).success).toBe(false);
    expect(SessionVersionSchema.safeParse({ text: '2.3a', parts: [] }).success).toBe(false);
    expect(DiagnosticSchema.safeParse({ code: 'x', severity: 'fatal', message: '', line: 1, column: 1 }).success).toBe(
      false,
    );
    expect(DiagnosticSchema.safeParse({ code: 'x', severity: 'error', message: '', line: 0, column: 1 }).success).toBe(
      false,
    );
    expect(SectionSpanSchema.safeParse({ title: 'OBJECTIVES', headingLine: 2, startLine: 3, endLine: 2 }).success).toBe(
      true,
    );
  });

  it('are exported from the package index', () => {
    for (const name of [
      'InstructionSchema',
      'DiagnosticSchema',
      'SessionVersionSchema',
      'ParseResultSchema',
      'SectionSpanSchema',
    ]) {
      expect(Object.keys(api)).toContain(name);
    }
  });
});

describe('JSON Schema files', () => {
  const files = renderJsonSchemas(api as Record<string, unknown>);

  it('cover every *Schema export of the package index', () => {
    const names = Object.keys(api).filter((n) => n.endsWith('Schema'));
    expect([...files.keys()].sort()).toEqual(names.map(schemaFileName).sort());
    expect(files.has('instruction.schema.json')).toBe(true);
    expect(schemaFileName('SessionVersionSchema')).toBe('session-version.schema.json');
  });

  it('are valid JSON Schema documents that describe the instruction', () => {
    const instruction = JSON.parse(files.get('instruction.schema.json')!);
    expect(instruction.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(instruction.$defs.Instruction.required).toEqual(
      expect.arrayContaining([
        'version',
        'name',
        'kind',
        'objectives',
        'requirements',
        'foundationUpdate',
        'validation',
      ]),
    );
    expect(instruction.$defs.InstructionItem.properties.children.items).toEqual({ $ref: '#/$defs/InstructionItem' });
  });

  it('committed in packages/format/schemas are up to date (regenerate with scripts/gen-json-schema.ts)', () => {
    expect(compareWithDirectory(files)).toEqual([]);
  });
});
