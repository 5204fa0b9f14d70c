/**
 * Long fuzz run (not a test): a million generated inputs by default, each parsed in lenient and strict mode,
 * checking that nothing throws, every diagnostic and section is positioned inside the text, strict results with an
 * instruction carry no error, and (for every 10th input that parses) that format∘parse is idempotent.
 *
 *   npm run fuzz -w @sessionhub/format                 # 1,000,000 cases
 *   npm run fuzz -w @sessionhub/format -- --runs 50000 --seed 3
 *
 * Inputs: random edits of realistic instructions, fast-check "messy" texts, random byte strings, and hostile
 * shapes. Progress is printed every 5%; the last line is a JSON summary. Exit code 1 on any failure.
 */
import fc from 'fast-check';
import { formatInstruction } from '../src/instruction/format.js';
import { parseInstruction } from '../src/instruction/parse.js';
import type { ParseResult } from '../src/types.js';
import { messyText } from '../test/fixtures/instructions/arbitraries.js';
import { prng } from '../test/fixtures/instructions/bad-input.js';
import { generateCorpus } from '../test/fixtures/instructions/corpus.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

const RUNS = arg('--runs', 1_000_000);
const SEED = arg('--seed', 1);
const rand = prng(SEED);
const corpus = generateCorpus(2000, SEED);
const messyPool = fc.sample(messyText, { numRuns: 5000, seed: SEED });
const SNIPPETS = [
  '\n',
  '\r\n',
  '\r',
  ' ',
  '\t',
  '-',
  '* ',
  '1. ',
  '#',
  '## ',
  '**',
  ':',
  '```',
  '~~~',
  '"',
  '\\"',
  "'",
  'Session 2.3: X',
  'OBJECTIVES:',
  'FOUNDATION UPDATE:',
  '\ufeff',
  'claude-code "',
  '\u0000',
  '•',
  'v',
  '.',
  'A',
];

const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;

function randomString(max: number): string {
  const n = Math.floor(rand() * max);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rand() * (rand() < 0.9 ? 128 : 0x10000)));
  return s;
}

function mutate(text: string): string {
  let t = text;
  const edits = 1 + Math.floor(rand() * 8);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (t.length + 1));
    const op = rand();
    if (op < 0.4) t = t.slice(0, at) + pick(SNIPPETS) + t.slice(at);
    else if (op < 0.7) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rand() * 20));
    else if (op < 0.85) t = t.slice(0, at) + randomString(10) + t.slice(at);
    else {
      // Duplicate or move a line.
      const lines = t.split('\n');
      const k = Math.floor(rand() * lines.length);
      lines.splice(Math.floor(rand() * lines.length), 0, lines[k]!);
      t = lines.join('\n');
    }
  }
  return t;
}

function input(i: number): string {
  switch (i % 10) {
    case 0:
      return randomString(400);
    case 1:
    case 2:
      return pick(messyPool);
    case 3:
      return mutate(pick(messyPool));
    default:
      return mutate(pick(corpus));
  }
}

function check(text: string, r: ParseResult, strict: boolean): string | undefined {
  let lines = 1;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 10 || (c === 13 && text.charCodeAt(k + 1) !== 10)) lines++;
  }
  for (const d of r.diagnostics) {
    if (d.code === 'internal-error') return `internal error: ${d.message}`;
    if (d.line < 1 || d.line > lines || d.column < 1) return `diagnostic out of range: ${JSON.stringify(d)}`;
  }
  for (const s of r.sections) {
    if (s.headingLine < 1 || s.headingLine > lines || s.endLine > lines || s.endLine < s.startLine - 1) {
      return `section out of range: ${JSON.stringify(s)}`;
    }
  }
  if (strict && r.instruction && r.diagnostics.some((d) => d.severity === 'error'))
    return 'strict instruction with errors';
  if (!r.instruction && !r.diagnostics.some((d) => d.severity === 'error')) return 'no instruction and no error';
  return undefined;
}

const failures: Array<{ case: number; problem: string; input: string }> = [];
let withInstruction = 0;
let idempotenceChecks = 0;
let bytes = 0;
const started = performance.now();
const step = Math.max(1, Math.floor(RUNS / 20));

for (let i = 0; i < RUNS; i++) {
  const text = input(i);
  bytes += text.length;
  let problem: string | undefined;
  try {
    const lenient = parseInstruction(text, { mode: 'lenient' });
    problem = check(text, lenient, false) ?? check(text, parseInstruction(text, { mode: 'strict' }), true);
    if (!problem && lenient.instruction) {
      withInstruction++;
      if (i % 10 === 4) {
        idempotenceChecks++;
        const once = formatInstruction(lenient.instruction);
        const again = parseInstruction(once, { mode: 'strict' });
        if (!again.instruction || formatInstruction(again.instruction) !== once)
          problem = 'format(parse(t)) is not idempotent';
      }
    }
  } catch (error) {
    problem = `threw: ${error instanceof Error ? error.stack : String(error)}`;
  }
  if (problem) {
    failures.push({ case: i, problem, input: text.slice(0, 2000) });
    console.error(JSON.stringify(failures.at(-1)));
    if (failures.length >= 20) break;
  }
  if ((i + 1) % step === 0) {
    const s = (performance.now() - started) / 1000;
    console.log(`${i + 1}/${RUNS} cases, ${failures.length} failures, ${Math.round((i + 1) / s)} cases/s`);
  }
}

const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    fuzz: 'format/parseInstruction',
    seed: SEED,
    cases: RUNS,
    failures: failures.length,
    with_instruction: withInstruction,
    idempotence_checks: idempotenceChecks,
    mb: Math.round(bytes / 1e4) / 100,
    seconds: Math.round(seconds * 10) / 10,
    cases_per_s: Math.round(RUNS / seconds),
  }),
);
process.exit(failures.length > 0 ? 1 : 0);
