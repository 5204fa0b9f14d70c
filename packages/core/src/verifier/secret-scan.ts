import type { GateFailure, GateResult } from '../model/report.js';
import type { Sandbox } from '../ports/sandbox.js';

/** Shapes of credentials that must never be committed. */
export const SECRET_PATTERNS: ReadonlyArray<{ kind: string; pattern: RegExp }> = [
  { kind: 'private key block', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { kind: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'Anthropic API key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/ },
  { kind: 'API secret key (sk-)', pattern: /\bsk-(?!ant-)(?:proj-)?[A-Za-z0-9_-]{32,}/ },
  { kind: 'GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { kind: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: 'Stripe live key', pattern: /\b[rs]k_live_[0-9A-Za-z]{24,}/ },
  {
    kind: 'hard-coded credential',
    pattern:
      /\b(?:api[_-]?key|secret[_-]?key|access[_-]?token|auth[_-]?token|password)\b["']?\s*[:=]\s*["'](?=[^"'\s]*\d)(?=[^"'\s]*[A-Za-z])[^"'\s]{16,}["']/i,
  },
];

/** Files larger than this are not scanned (generated or binary). */
const MAX_SCAN_BYTES = 1_000_000;

/** Finds credential-shaped strings in a text. The message names the kind and never quotes the value. */
export function scanText(text: string, file?: string): GateFailure[] {
  const failures: GateFailure[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    for (const { kind, pattern } of SECRET_PATTERNS) {
      if (pattern.test(lines[i]!)) {
        failures.push({ message: `possible ${kind}`, line: i + 1, ...(file ? { file } : {}) });
        break;
      }
    }
  }
  return failures;
}

/** The built-in `secret-scan` gate: scans every changed file still present in the sandbox. */
export async function secretScanGate(
  sandbox: Sandbox,
  files: readonly string[],
  signal: AbortSignal,
  name = 'secret-scan',
): Promise<GateResult> {
  const started = performance.now();
  const failures: GateFailure[] = [];
  let scanned = 0;
  for (const file of files) {
    if (signal.aborted) throw signal.reason;
    let text: string;
    try {
      text = await sandbox.readFile(file, { signal });
    } catch {
      continue; // deleted or unreadable: nothing to leak
    }
    if (text.length > MAX_SCAN_BYTES || text.includes('\u0000')) continue;
    scanned++;
    failures.push(...scanText(text, file));
  }
  const output =
    failures.length === 0
      ? `scanned ${scanned} changed file(s): no secrets found`
      : `scanned ${scanned} changed file(s): ${failures.length} possible secret(s)\n${failures
          .map((f) => `${f.file}:${f.line}: ${f.message}`)
          .join('\n')}`;
  return { name, passed: failures.length === 0, durationMs: performance.now() - started, output, failures };
}
