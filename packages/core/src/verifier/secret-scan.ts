import type { SecretLintCoreConfig } from '@secretlint/types';
import type { GateFailure, GateResult } from '../model/report.js';
import type { Sandbox } from '../ports/sandbox.js';

/**
 * What the hand-written gate caught and secretlint's recommended preset does not, kept as extra rules
 * (measured by `bench/secret-scan.bench.ts`; numbers in docs/engine.md, "Secret scan"). Each is matched
 * over the whole text, so a pattern may span lines; the failure is reported on the line where it starts.
 */
export const EXTRA_SECRET_PATTERNS: ReadonlyArray<{ kind: string; pattern: RegExp }> = [
  // secretlint wants a PEM body of 100+ characters starting `MI`: it misses EC P-256 (`MHc...`) and Ed25519 keys.
  {
    kind: 'private key',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:\r?\n|\\n)+[A-Za-z0-9+/]{40}/g,
  },
  { kind: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  // secretlint's openai rule wants OpenAI's `T3BlbkFJ` marker; other providers' `sk-` keys have none.
  { kind: 'API secret key (sk-)', pattern: /\bsk-(?!ant-)[A-Za-z0-9_-]{32,}/g },
  // secretlint's anthropic rule knows API keys (`sk-ant-api03-`) only.
  { kind: 'Anthropic admin key', pattern: /\bsk-ant-admin\d{2}-[A-Za-z0-9_-]{80,}/g },
  {
    kind: 'hard-coded credential',
    pattern:
      /\b(?:api[_-]?key|secret[_-]?key|access[_-]?token|auth[_-]?token|password)\b["']?[ \t]*[:=][ \t]*["'](?=[^"'\s]*\d)(?=[^"'\s]*[A-Za-z])[^"'\s]{16,}["']/gi,
  },
];

/** Files larger than this are not scanned (generated or binary). */
const MAX_SCAN_BYTES = 1_000_000;

let presetConfig: Promise<SecretLintCoreConfig> | undefined;

/** secretlint's recommended preset, loaded on first use (it is ESM-only, and most hubs never scan). */
function secretlintConfig(): Promise<SecretLintCoreConfig> {
  presetConfig ??= import('@secretlint/secretlint-rule-preset-recommend').then(({ creator }) => ({
    rules: [
      {
        id: '@secretlint/secretlint-rule-preset-recommend',
        rule: creator,
        // An access key id alone is off by default in secretlint; in a changed file it is a leak to stop.
        rules: [{ id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } }],
      },
    ],
  }));
  return presetConfig;
}

/**
 * Finds credentials in a text: every rule of secretlint's recommended preset (AWS, GCP service accounts,
 * private keys, GitHub, GitLab, Slack, npm, OpenAI, Anthropic, Stripe, database and basic-auth URLs, and
 * more), then {@link EXTRA_SECRET_PATTERNS}. One failure per line, in line order; the message names the
 * kind and never quotes the value. A `// secretlint-disable-line` comment silences a line.
 */
export async function scanText(text: string, opts: { file?: string } = {}): Promise<GateFailure[]> {
  const { lintSource } = await import('@secretlint/core');
  const result = await lintSource({
    source: { content: text, filePath: opts.file ?? 'input.txt', contentType: 'text' },
    options: { config: await secretlintConfig(), maskSecrets: true, noPhysicFilePath: opts.file === undefined },
  });
  const byLine = new Map<number, string>();
  for (const m of result.messages) {
    if (!byLine.has(m.loc.start.line)) byLine.set(m.loc.start.line, `${m.messageId} (${ruleName(m.ruleId)})`);
  }
  for (const { kind, pattern } of EXTRA_SECRET_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const line = lineAt(text, match.index);
      if (!byLine.has(line)) byLine.set(line, kind);
    }
  }
  return [...byLine]
    .sort(([a], [b]) => a - b)
    .map(([line, kind]) => ({ message: `possible ${kind}`, line, ...(opts.file ? { file: opts.file } : {}) }));
}

/** The 1-based line of a character index. */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** `@secretlint/secretlint-rule-aws` → `aws`. */
function ruleName(ruleId: string): string {
  return ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
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
    failures.push(...(await scanText(text, { file })));
  }
  const output =
    failures.length === 0
      ? `scanned ${scanned} changed file(s): no secrets found`
      : `scanned ${scanned} changed file(s): ${failures.length} possible secret(s)\n${failures
          .map((f) => `${f.file}:${f.line}: ${f.message}`)
          .join('\n')}`;
  return { name, passed: failures.length === 0, durationMs: performance.now() - started, output, failures };
}
