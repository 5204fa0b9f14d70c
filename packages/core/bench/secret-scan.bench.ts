/**
 * Secret-scan gate: recall on a corpus of real-shaped fake credentials (test/support/secret-corpus.ts),
 * and false positives on ordinary code (this repo's package sources and the sources of some dependencies
 * in node_modules), for the gate's scanner (`scanText`: secretlint's recommended preset plus the extra
 * patterns) against the nine hand-written patterns it replaced. Not a test. Last line: one JSON object.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanText } from '@sessionhub/core';
import { fakeCredentials } from '../test/support/secret-corpus.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** Dependencies whose sources make up the rest of the ordinary-code sample. */
const DEPENDENCIES = ['zod', 'eventemitter3', 'dockerode', 'docker-modem', '@anthropic-ai/sdk', 'vitest', 'ssh2'];
const MAX_FILES_PER_DEPENDENCY = 60;

/** The gate before secretlint: nine hand-written patterns, kept here as the baseline. */
const HAND_WRITTEN: RegExp[] = [
  /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/,
  /\bsk-ant-[A-Za-z0-9_-]{20,}/,
  /\bsk-(?!ant-)(?:proj-)?[A-Za-z0-9_-]{32,}/,
  /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
  /\bAIza[0-9A-Za-z_-]{35}\b/,
  /\b[rs]k_live_[0-9A-Za-z]{24,}/,
  /\b(?:api[_-]?key|secret[_-]?key|access[_-]?token|auth[_-]?token|password)\b["']?\s*[:=]\s*["'](?=[^"'\s]*\d)(?=[^"'\s]*[A-Za-z])[^"'\s]{16,}["']/i,
];

type Scanner = (text: string, file: string) => Promise<number>;
const handWritten: Scanner = async (text) =>
  text.split('\n').filter((line) => HAND_WRITTEN.some((p) => p.test(line))).length;
const gate: Scanner = async (text, file) => (await scanText(text, { file })).length;

async function walk(dir: string, accept: (file: string) => boolean, out: string[], max = Infinity): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (out.length >= max) return;
    const path = join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'dist') await walk(path, accept, out, max);
    else if (e.isFile() && accept(path) && (await stat(path)).size < 1_000_000) out.push(path);
  }
}

async function ordinaryCode(): Promise<string[]> {
  const files: string[] = [];
  for (const pkg of await readdir(join(ROOT, 'packages'))) {
    await walk(join(ROOT, 'packages', pkg, 'src'), (f) => /\.ts$/.test(f), files);
  }
  for (const dep of DEPENDENCIES) {
    const found: string[] = [];
    await walk(join(ROOT, 'node_modules', dep), (f) => /\.(?:[cm]?js|ts)$/.test(f), found, MAX_FILES_PER_DEPENDENCY);
    files.push(...found);
  }
  return files;
}

const corpus = fakeCredentials();
const code = await ordinaryCode();
const texts = await Promise.all(code.map((f) => readFile(f, 'utf8')));
const bytes = texts.reduce((n, t) => n + t.length, 0);
console.log(
  `corpus: ${corpus.length} fake credentials; ordinary code: ${code.length} files, ${(bytes / 1e6).toFixed(1)} MB`,
);

const results: Record<string, { found: number; fpFiles: number; fpLines: number; mbPerS: number }> = {};
for (const [name, scan] of [
  ['hand-written', handWritten],
  ['secretlint gate', gate],
] as const) {
  const missed: string[] = [];
  for (const item of corpus) if ((await scan(item.text, item.file)) === 0) missed.push(item.kind);
  let fpFiles = 0;
  let fpLines = 0;
  const flagged: string[] = [];
  const started = performance.now();
  for (let i = 0; i < texts.length; i++) {
    const n = await scan(texts[i]!, code[i]!);
    if (n > 0) {
      fpFiles++;
      fpLines += n;
      flagged.push(relative(ROOT, code[i]!));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  results[name] = { found: corpus.length - missed.length, fpFiles, fpLines, mbPerS: bytes / 1e6 / seconds };
  console.log(
    `${name.padEnd(16)} recall ${corpus.length - missed.length}/${corpus.length}  ` +
      `false positives ${fpFiles} files (${fpLines} lines)  ${(bytes / 1e6 / seconds).toFixed(1)} MB/s`,
  );
  if (missed.length > 0) console.log(`  missed: ${missed.join(', ')}`);
  if (flagged.length > 0) console.log(`  flagged: ${flagged.join(', ')}`);
}

const ours = results['secretlint gate']!;
const base = results['hand-written']!;
const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
console.log(
  JSON.stringify({
    bench: 'core/secret-scan',
    metrics: {
      corpus_items: corpus.length,
      ordinary_files: code.length,
      recall: round(ours.found / corpus.length),
      false_positive_files: ours.fpFiles,
      scan_mb_s: round(ours.mbPerS, 1),
      hand_written_recall: round(base.found / corpus.length),
      hand_written_false_positive_files: base.fpFiles,
      hand_written_scan_mb_s: round(base.mbPerS, 1),
    },
    ratios: { vs_hand_written_recall: round(ours.found / Math.max(1, base.found)) },
  }),
);
