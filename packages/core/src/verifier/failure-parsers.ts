import type { GateFailure } from '../model/report.js';

/** Most failures a gate reports; the rest are in its output. */
export const MAX_FAILURES = 20;

const TSC = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/;
const TSC_PRETTY = /^(.+?):(\d+):\d+ - error (TS\d+): (.*)$/;
const VITEST_FAIL = /^\s*(?:FAIL|×|✗)\s+(\S+\.[cm]?[jt]sx?)\s+>\s+(.*)$/;
const JEST_BULLET = /^\s*●\s+(.+›.+)$/;
const LOCATION = /(?:^|\s|\()((?:\.{0,2}\/)?[\w@.\-/]+\.[A-Za-z0-9]{1,6}):(\d+)(?::\d+)?\)?:?\s*(.*)$/;
const ERROR_WORD = /\b(error|failed|failure|fail|exception|assert(ion)?)\b/i;

/**
 * Reads failures out of a command's output: tsc diagnostics, vitest/jest failing tests, any
 * `file:line` with an error word, and failing that the first lines that mention an error.
 */
export function parseFailures(output: string): GateFailure[] {
  const found: GateFailure[] = [];
  const seen = new Set<string>();
  const add = (f: GateFailure) => {
    const key = `${f.file ?? ''}:${f.line ?? ''}:${f.message}`;
    if (seen.has(key) || found.length >= MAX_FAILURES) return;
    seen.add(key);
    found.push(f);
  };
  const lines = output.split(/\r?\n/).map(stripAnsi);
  for (const line of lines) {
    const tsc = TSC.exec(line) ?? TSC_PRETTY.exec(line);
    if (tsc) {
      add({ file: tsc[1]!.trim(), line: Number(tsc[2]), message: `${tsc[3]}: ${tsc[4]!.trim()}` });
      continue;
    }
    const vitest = VITEST_FAIL.exec(line);
    if (vitest) {
      add({ file: vitest[1]!, message: vitest[2]!.trim() });
      continue;
    }
    const jest = JEST_BULLET.exec(line);
    if (jest) {
      add({ message: jest[1]!.trim() });
      continue;
    }
    const loc = LOCATION.exec(line);
    if (loc && ERROR_WORD.test(line)) {
      add({ file: loc[1]!, line: Number(loc[2]), message: (loc[3] || line).trim() });
    }
  }
  if (found.length === 0) {
    for (const line of lines) {
      if (ERROR_WORD.test(line) && line.trim()) add({ message: line.trim() });
      if (found.length >= 5) break;
    }
  }
  if (found.length === 0) {
    const last = lines.filter((l) => l.trim()).pop();
    if (last) add({ message: last.trim() });
  }
  return found;
}

/** Keeps the head and, mostly, the tail of a long output (errors tend to be at the end). */
export function excerpt(output: string, max: number): string {
  if (output.length <= max) return output;
  const head = Math.floor(max / 4);
  const tail = max - head;
  return `${output.slice(0, head)}\n[... ${output.length - max} characters cut ...]\n${output.slice(-tail)}`;
}

function stripAnsi(s: string): string {
  return s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}
