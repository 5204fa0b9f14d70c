/**
 * Recall and precision of the boundary rules on a labelled corpus of planner-written items: half cross
 * the actor boundary (install steps, database designs, language constructs, directory layouts, and the
 * older classes), half are plain outcomes that use the same words as English. The `held-out` part was
 * written and committed before any rule was tuned; `held-out-2` after tuning, before it was first
 * measured; neither is tuned on. The `tuning` part is.
 *
 * Each item is linted as a REQUIREMENTS item. A crossing item counts as caught when any rule reports
 * it; a plain item must get no diagnostic at all. The figures are printed, floored, and must be the
 * ones docs/lint-rules.md states.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lintInstruction } from '../src/lint/index.js';
import { buildInstruction } from './fixtures/lint/build.js';
import { type CorpusItem, loadCorpus } from './fixtures/lint/corpus/load.js';

/** Floors: what the rules reached when this test was written (never raised by editing the corpus). */
const FLOORS = {
  tuning: { recall: 0.98, precision: 1 },
  'held-out': { recall: 0.98, precision: 1 },
  'held-out-2': { recall: 0.85, precision: 1 },
} as const;

type Part = keyof typeof FLOORS;

function findings(item: CorpusItem): string[] {
  return lintInstruction(buildInstruction({ requirements: `- ${item.text}` }).text).diagnostics.map(
    (d) => `${d.code}: ${d.message}`,
  );
}

interface Score {
  caught: number;
  crossing: number;
  falsePositives: number;
  plain: number;
  recall: number;
  precision: number;
  missed: CorpusItem[];
  byKind: Map<string, { caught: number; total: number }>;
}

function score(items: CorpusItem[]): Score {
  let caught = 0;
  let falsePositives = 0;
  const missed: CorpusItem[] = [];
  const byKind = new Map<string, { caught: number; total: number }>();
  for (const item of items) {
    const hit = findings(item).length > 0;
    if (!item.crosses) {
      if (hit) falsePositives++;
      continue;
    }
    const kind = byKind.get(item.kind) ?? { caught: 0, total: 0 };
    kind.total++;
    if (hit) {
      caught++;
      kind.caught++;
    } else missed.push(item);
    byKind.set(item.kind, kind);
  }
  const crossing = items.filter((i) => i.crosses).length;
  const plain = items.length - crossing;
  const recall = caught / crossing;
  const precision = caught + falsePositives === 0 ? 1 : caught / (caught + falsePositives);
  return { caught, crossing, falsePositives, plain, recall, precision, missed, byKind };
}

/** How docs/lint-rules.md states one part's figures. */
function statedFigures(part: Part, s: Score): string {
  return `| ${part} | ${s.crossing} + ${s.plain} | ${s.recall.toFixed(2)} (${s.caught}/${s.crossing}) | ${s.precision.toFixed(2)} (${s.falsePositives} plain items reported) |`;
}

const parts: Part[] = ['tuning', 'held-out', 'held-out-2'];
const corpus = Object.fromEntries(parts.map((p) => [p, loadCorpus(p)])) as Record<Part, CorpusItem[]>;
const scores = Object.fromEntries(parts.map((p) => [p, score(corpus[p])])) as Record<Part, Score>;

describe('boundary corpus', () => {
  afterAll(() => {
    for (const part of parts) {
      const s = scores[part];
      const kinds = [...s.byKind].map(([k, v]) => `${k} ${v.caught}/${v.total}`).join(', ');
      console.log(
        `[lint corpus] ${part}: recall ${s.recall.toFixed(3)} (${s.caught}/${s.crossing}), precision ${s.precision.toFixed(3)}, plain items reported ${s.falsePositives}/${s.plain}; ${kinds}`,
      );
      for (const m of s.missed) console.log(`[lint corpus]   missed (${m.kind}): ${m.text}`);
    }
  });

  it('has at least 200 items, about half of them crossing, in both parts', () => {
    const all = parts.flatMap((p) => corpus[p]);
    expect(all.length).toBeGreaterThanOrEqual(200);
    const crossing = all.filter((i) => i.crosses).length;
    expect(crossing / all.length).toBeGreaterThan(0.4);
    expect(crossing / all.length).toBeLessThan(0.6);
    expect(corpus['held-out'].length).toBeGreaterThanOrEqual(100);
    expect(new Set(all.map((i) => i.text)).size).toBe(all.length);
  });

  it.each(parts)('%s: no plain outcome is reported (precision 1.0 on plain items)', (part) => {
    const reported = corpus[part].filter((i) => !i.crosses).map((i) => ({ text: i.text, findings: findings(i) }));
    expect(reported.filter((r) => r.findings.length > 0)).toEqual([]);
  });

  it.each(parts)('%s: recall and precision stay at or above their floors', (part) => {
    expect(scores[part].recall).toBeGreaterThanOrEqual(FLOORS[part].recall);
    expect(scores[part].precision).toBeGreaterThanOrEqual(FLOORS[part].precision);
  });

  it('docs/lint-rules.md states the figures this corpus measures', () => {
    const docs = readFileSync(fileURLToPath(new URL('../../../docs/lint-rules.md', import.meta.url)), 'utf8');
    for (const part of parts) expect(docs).toContain(statedFigures(part, scores[part]));
  });
});
