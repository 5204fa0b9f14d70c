/**
 * The linter never throws and always positions findings inside the text, whatever it is given:
 * hostile shapes, random bytes, every line ending. (Speed on large hostile inputs is measured by hand,
 * not asserted here.)
 */
import { describe, expect, it } from 'vitest';
import { LINT_RULES, lintInstruction } from '../src/lint/index.js';
import { buildInstruction } from './fixtures/lint/build.js';

/** A small seeded generator, so every run sees the same inputs. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const n = 300;
const HOSTILE: Record<string, string> = {
  'empty text': '',
  'only newlines': '\n\n\n',
  'long header': `Session 2.3: ${'a'.repeat(n * 50)}`,
  'unclosed fences': `Session 2.3: F\nOBJECTIVES:\n${'```\n- item\n~~~~\n'.repeat(n)}`,
  'SELECT spam': `Session 2.3: X\nREQUIREMENTS:\n- ${'SELECT a '.repeat(n)}`,
  'parenthesis spam': `Session 2.3: X\nREQUIREMENTS:\n- ${'f(a: '.repeat(n)}${')'.repeat(n)}`,
  'backtick spam': `Session 2.3: X\nREQUIREMENTS:\n- ${'`a '.repeat(n)}`,
  'angle spam': `Session 2.3: X\nREQUIREMENTS:\n- ${'A<'.repeat(n)}`,
  'slash spam': `Session 2.3: X\nREQUIREMENTS:\n- ${'a/'.repeat(n)}`,
  'at spam': `Session 2.3: X\nREQUIREMENTS:\n- ${'a@1'.repeat(n)}`,
  'library spam': `Session 2.3: X\nREQUIREMENTS:\n- ${'with React '.repeat(n)}`,
  'indented code': `Session 2.3: X\nREQUIREMENTS:\n\n${'        x = 1\n'.repeat(n)}`,
  'heredoc spam': `Session 2.3: X\nREQUIREMENTS:\n- ${"<< 'A' ".repeat(n)}`,
  'deep nesting': `Session 2.3: D\nOBJECTIVES:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}- level ${i}`).join('\n')}`,
  'many sections': `Session 2.3: S\n${'VALIDATION:\n'.repeat(n)}`,
  'diff spam': `Session 2.3: X\nREQUIREMENTS:\n${'--- a\n+++ b\n@@ -1 +1 @@\n'.repeat(n)}`,
};

function expectSane(text: string) {
  const r = lintInstruction(text);
  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const d of r.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lineCount);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(typeof d.message).toBe('string');
  }
  expect(r.ok).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
  const sorted = r.diagnostics.map((d) => d.line * 1e6 + d.column);
  expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
  return r;
}

describe('hostile input', () => {
  it.each(Object.entries(HOSTILE))('%s', (_name, text) => {
    expectSane(text);
  });

  it('random bytes, as text', () => {
    const next = seeded(7);
    for (let k = 0; k < 40; k++) {
      const chars = Array.from({ length: 400 }, () => String.fromCharCode(Math.floor(next() * 0x250)));
      expectSane(chars.join(''));
    }
  });

  it('random mixes of instruction lines and code-like fragments', () => {
    const next = seeded(11);
    const pieces = [
      'OBJECTIVES:',
      'VALIDATION:',
      '- Works well',
      '```',
      '    x = 1',
      '- npm install zod@3',
      "cat > f << 'EOF'",
      '@@ -1 +1 @@',
      '- SELECT * FROM t',
      '- src/a.ts',
      '',
      '  - nested',
      'COMPLEXITY: moderate',
      'Session 2.3: X',
    ];
    for (let k = 0; k < 60; k++) {
      const lines = Array.from({ length: 30 }, () => pieces[Math.floor(next() * pieces.length)] ?? '');
      const r = expectSane(lines.join(next() < 0.5 ? '\n' : '\r\n'));
      for (const d of r.diagnostics) {
        if (LINT_RULES.some((rule) => rule.id === d.code)) expect(d.hint).toBeTruthy();
      }
    }
  });

  it('an instruction with every rule broken still lints deterministically', () => {
    const text = buildInstruction({
      requirements: "- npm install zod@3\n- src/a.ts\n- SELECT * FROM t\n- f(a: string)\n- cat > f << 'EOF'",
      validation: '- Works well',
      version: '9.9',
    }).text;
    expect(lintInstruction(text)).toEqual(lintInstruction(text));
  });
});
