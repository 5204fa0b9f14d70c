/**
 * What `lintInstruction` costs per instruction, in CPU time, on two instructions: the one the core engine benchmark
 * plans for every session (short, plain, no finding), and a long rule-heavy one (every item of the labelled lint
 * corpus, the plain-English fixture and the overreaching one as REQUIREMENTS: hundreds of lines, hundreds of findings).
 * Each text is parsed beforehand and handed over as `parsed`, as the engine does, so only the linter is measured.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseInstruction } from '../src/instruction/parse.js';
import { lintInstruction } from '../src/lint/index.js';
import type { ParseResult } from '../src/types.js';
import { loadCorpus } from '../test/fixtures/lint/corpus/load.js';

const ROUNDS = 7;

/**
 * The instruction `sampleInstruction({ version: '1.1', name })` of `@sessionhub/core/testing` writes (the core engine
 * benchmark plans one per session); the format package cannot depend on core, so its lines are repeated here.
 */
export function engineSampleInstruction(name: string): string {
  return `${[
    `Session 1.1: ${name}`,
    'OBJECTIVES:',
    '1. Visitors are greeted by name on the welcome page',
    'REQUIREMENTS:',
    '- The greeting uses the name the visitor gave at sign-up',
    'FOUNDATION UPDATE:',
    '- Update to version 1.1',
    '- Add session to log',
    'VALIDATION:',
    '- A visitor named Ada sees the greeting "Hello, Ada" on the welcome page',
    'NOT INCLUDED:',
    '- Greetings in other languages',
  ].join('\n')}\n`;
}

const LINT_FIXTURES = fileURLToPath(new URL('../test/fixtures/lint/', import.meta.url));

let longRequirements: string[] | undefined;

/** Every labelled corpus item, the plain-English items and the overreaching REQUIREMENTS (read once). */
function rulesHeavyRequirements(): string[] {
  if (longRequirements) return longRequirements;
  const fixture = (name: string) => readFileSync(`${LINT_FIXTURES}${name}`, 'utf8').split('\n');
  const items = (['tuning', 'held-out', 'held-out-2'] as const).flatMap((part) =>
    loadCorpus(part).map((item) => `- ${item.text}`),
  );
  const plain = fixture('plain-english.txt').filter((l) => /^\s*- /.test(l));
  const overreach = fixture('overreach.txt');
  const overreachRequirements = overreach.slice(
    overreach.indexOf('REQUIREMENTS:') + 1,
    overreach.indexOf('FOUNDATION UPDATE:'),
  );
  longRequirements = [...items, ...plain, ...overreachRequirements];
  return longRequirements;
}

/** Every labelled corpus item, the plain-English items and the overreaching REQUIREMENTS, as one instruction. */
export function longRuleHeavyInstruction(n: number): string {
  return [
    `Session 2.${n}: Long instruction ${n}`,
    'OBJECTIVES:',
    '1. Users can export the list of sessions',
    'REQUIREMENTS:',
    ...rulesHeavyRequirements(),
    'FOUNDATION UPDATE:',
    `- Update to version 2.${n}`,
    '- Add session to log',
    'VALIDATION:',
    '- All tests pass',
    'COMPLEXITY: moderate',
    '',
  ].join('\n');
}

/** Median CPU µs per `lintInstruction` over ROUNDS passes through `count` distinct texts made by `make`. */
function lintCost(
  label: string,
  make: (i: number) => string,
  count: number,
): { us: number; lines: number; findings: number } {
  const texts = Array.from({ length: count }, (_, i) => make(i));
  const parsed: ParseResult[] = texts.map((t) => parseInstruction(t, { mode: 'lenient' }));
  let findings = 0;
  const pass = () => {
    findings = 0;
    const start = process.cpuUsage();
    for (let i = 0; i < count; i++) findings += lintInstruction(texts[i]!, { parsed: parsed[i]! }).diagnostics.length;
    const used = process.cpuUsage(start);
    return (used.user + used.system) / count;
  };
  pass(); // warm-up
  const rounds = Array.from({ length: ROUNDS }, pass).sort((a, b) => a - b);
  const us = rounds[Math.floor(ROUNDS / 2)]!;
  const lines = texts[0]!.split('\n').length;
  console.log(
    JSON.stringify({ label, us_per_instruction: us, rounds, instructions: count, lines, findings: findings / count }),
  );
  return { us, lines, findings: findings / count };
}

/** The linter's cost on the engine's sample instruction and on the long rule-heavy one. */
export function measureLintCost(): { sampleUs: number; longUs: number } {
  const sample = lintCost(
    'lintInstruction (engine sample instruction)',
    (i) => engineSampleInstruction(`Friendly Greeting ${i}`),
    20_000,
  );
  const long = lintCost('lintInstruction (long rule-heavy instruction)', longRuleHeavyInstruction, 200);
  return { sampleUs: sample.us, longUs: long.us };
}
