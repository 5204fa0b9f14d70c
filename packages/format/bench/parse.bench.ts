/**
 * Benchmark (not a test): parseInstruction against remark-parse (unified → mdast) on the same corpus of 10,000
 * generated instructions (canonical and lenient styles), then what the linter costs per instruction (CPU µs, see
 * `lint-cost.ts`). Prints JSON; the last line is the summary object.
 *
 *   npm run bench -w @sessionhub/format
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { parseInstruction } from '../src/instruction/parse.js';
import { generateCorpus } from '../test/fixtures/instructions/corpus.js';
import { measureLintCost } from './lint-cost.js';

const CORPUS_SIZE = 10_000;
/** Timed passes over the corpus for every parser, after one warm-up pass: the same settings on both sides of the ratio. */
const PASSES = 3;
// A full collection before each parser: what one parser left on the heap slowed the next one's passes (remark-parse
// ran at 2.5 to 3.7 MB/s depending on what ran before it in the process).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const corpus = generateCorpus(CORPUS_SIZE);
const bytes = corpus.reduce((sum, t) => sum + Buffer.byteLength(t, 'utf8'), 0);

/**
 * Runs `fn` over the whole corpus once to warm up, then PASSES timed times; the best pass counts (the least
 * disturbed by other load on the machine). Every parser gets the same number of passes and starts from a
 * collected heap: a best of many against a best of one, or a heap full of another parser's garbage, would
 * flatter one side.
 */
function measure(label: string, fn: (text: string) => unknown): { mb_s: number; per_s: number } {
  collectGarbage();
  let sink = 0;
  for (const t of corpus) sink += fn(t) ? 1 : 0; // warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < PASSES; pass++) {
    const t0 = performance.now();
    for (const t of corpus) sink += fn(t) ? 1 : 0;
    best = Math.min(best, performance.now() - t0);
  }
  const seconds = best / 1000;
  const result = { mb_s: bytes / 1e6 / seconds, per_s: CORPUS_SIZE / seconds };
  console.log(JSON.stringify({ label, ...result, passes: PASSES, ms_per_pass: best, sink }));
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
const remark = measure('remark-parse → mdast', (t) => processor.parse(t));
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
      timed_passes_each: PASSES,
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
