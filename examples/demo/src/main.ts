/**
 * The SessionHub demo: reads two sample session instructions as people really write them,
 * parses them leniently, prints the canonical form, and lints them against the Two-Actor boundary.
 */
import { readFileSync } from 'node:fs';
import { type Diagnostic, formatInstruction, lintInstruction, parseInstruction } from '@sessionhub/format';

const samples = ['sample-instruction.txt', 'bad-instruction.txt'];

function describe(diagnostic: Diagnostic, file: string): string {
  const hint = diagnostic.hint ? `\n      hint: ${diagnostic.hint}` : '';
  return `  ${file}:${diagnostic.line}:${diagnostic.column} ${diagnostic.severity} [${diagnostic.code}] ${diagnostic.message}${hint}`;
}

let errors = 0;
for (const file of samples) {
  const text = readFileSync(new URL(file, import.meta.url), 'utf8');
  console.log(`\n=== ${file}`);
  const parsed = parseInstruction(text, { mode: 'lenient' });
  if (!parsed.instruction) {
    console.log('not an instruction:');
    for (const d of parsed.diagnostics) console.log(describe(d, file));
    continue;
  }
  const { instruction } = parsed;
  console.log(
    `Session ${instruction.version.text}: ${instruction.name} — ${instruction.objectives.length} objectives, ` +
      `${instruction.requirements.length} requirements, ${instruction.validation.length} validation items`,
  );
  console.log('\nCanonical form:\n');
  console.log(formatInstruction(instruction));
  const lint = lintInstruction(text);
  console.log(lint.ok ? 'Lint: respects the Two-Actor boundary' : 'Lint: breaks the Two-Actor boundary');
  for (const d of lint.diagnostics) console.log(describe(d, file));
  errors += lint.diagnostics.filter((d) => d.severity === 'error').length;
}
console.log(
  `\n${errors} boundary error(s) found across ${samples.length} samples (the second sample is bad on purpose).`,
);
