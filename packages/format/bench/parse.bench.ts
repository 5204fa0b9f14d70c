/**
 * Benchmark (not a test): parseInstruction against remark-parse (unified → mdast) on the same corpus of 10,000
 * generated instructions (canonical and lenient styles), then what the linter costs per instruction (CPU µs, see
 * `lint-cost.ts`). Prints JSON; the last line is the summary object.
 *
 *   npm run bench -w @sessionhub/format
 */
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { parseInstruction } from '../src/instruction/parse.js';
import { generateCorpus } from '../test/fixtures/instructions/corpus.js';
import { measureLintCost } from './lint-cost.js';

const CORPUS_SIZE = 10_000;
const MIN_MS = 1500;

const corpus = generateCorpus(CORPUS_SIZE);
const bytes = corpus.reduce((sum, t) => sum + Buffer.byteLength(t, 'utf8'), 0);

/**
 * Runs `fn` over the whole corpus, after one warm-up pass, at least `minPasses` times and for at least MIN_MS;
 * the best pass counts (the least disturbed by other load on the machine).
 */
function measure(
  label: string,
  fn: (text: string) => unknown,
  minPasses = 3,
): { mb_s: number; per_s: number; passes: number } {
  let sink = 0;
  for (const t of corpus) sink += fn(t) ? 1 : 0; // warm-up
  let best = Number.POSITIVE_INFINITY;
  let passes = 0;
  const start = performance.now();
  while (passes < minPasses || performance.now() - start < MIN_MS) {
    const t0 = performance.now();
    for (const t of corpus) sink += fn(t) ? 1 : 0;
    best = Math.min(best, performance.now() - t0);
    passes++;
  }
  const seconds = best / 1000;
  const result = { mb_s: bytes / 1e6 / seconds, per_s: CORPUS_SIZE / seconds, passes };
  console.log(JSON.stringify({ label, ...result, ms_per_pass: best, sink }));
  return result;
}

let parsedOk = 0;
for (const t of corpus) if (parseInstruction(t).instruction) parsedOk++;
console.log(
  JSON.stringify({ corpus_instructions: CORPUS_SIZE, corpus_mb: bytes / 1e6, parsed_with_instruction: parsedOk }),
);

const ours = measure('parseInstruction (lenient)', (t) => parseInstruction(t, { mode: 'lenient' }));
const strict = measure('parseInstruction (strict)', (t) => parseInstruction(t, { mode: 'strict' }));
const processor = unified().use(remarkParse);
// remark-parse takes tens of seconds per pass: one timed pass after the warm-up.
const remark = measure('remark-parse → mdast', (t) => processor.parse(t), 1);
// After the parse measurements, so they run as they did before the linter was measured here.
const lint = measureLintCost();

console.log(
  JSON.stringify({
    bench: 'format/parse',
    metrics: {
      parse_mb_per_s: round(ours.mb_s),
      parse_instructions_per_s: round(ours.per_s),
      parse_strict_mb_per_s: round(strict.mb_s),
      parse_strict_instructions_per_s: round(strict.per_s),
      remark_mb_per_s: round(remark.mb_s),
      remark_instructions_per_s: round(remark.per_s),
      corpus_instructions: CORPUS_SIZE,
      corpus_mb: round(bytes / 1e6),
      lint_us_per_instruction: round(lint.sampleUs),
      lint_long_us_per_instruction: round(lint.longUs),
    },
    ratios: {
      vs_remark_mb_s: round(ours.mb_s / remark.mb_s),
      vs_remark_strict_mb_s: round(strict.mb_s / remark.mb_s),
    },
  }),
);

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
