import { readdirSync, readFileSync } from 'node:fs';
import { lintInstruction, parseInstruction } from '@sessionhub/format';
import { describe, expect, it } from 'vitest';

const dirs = ['lint', 'instructions'].map((d) => new URL(`./fixtures/${d}/`, import.meta.url));
const texts = dirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => [f, readFileSync(new URL(f, dir), 'utf8')] as const),
);

describe('lintInstruction with a pre-parsed text (LintOptions.parsed)', () => {
  it('has fixtures to compare', () => {
    expect(texts.length).toBeGreaterThanOrEqual(4);
  });

  for (const mode of ['lenient', 'strict'] as const) {
    it.each(texts)(`gives the same diagnostics as parsing again (${mode}): %s`, (_name, text) => {
      const parsed = parseInstruction(text, { mode });
      expect(lintInstruction(text, { mode, parsed })).toEqual(lintInstruction(text, { mode }));
    });
  }
});
