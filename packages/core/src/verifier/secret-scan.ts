import type { SecretLintCoreConfig } from '@secretlint/types';
import type { GateFailure, GateResult } from '../model/report.js';
import type { Sandbox } from '../ports/sandbox.js';
import { extraSecretRule } from './extra-secret-rule.js';

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
      { id: extraSecretRule.meta.id, rule: extraSecretRule },
    ],
  }));
  return presetConfig;
}

/**
 * Finds credentials in a text: every rule of secretlint's recommended preset (AWS, GCP service accounts,
 * private keys, GitHub, GitLab, Slack, npm, OpenAI, Anthropic, Stripe, database and basic-auth URLs, and
 * more; AWS access key ids switched on), and {@link EXTRA_SECRET_PATTERNS}. One failure per line, in line order;
 * the message names secretlint's message id and rule (`possible AWSAccessKeyID (aws)`) and never quotes the
 * value. A `// secretlint-disable-line` comment (or `-next-line`, or a disable/enable block) silences it.
 */
export async function scanText(text: string, opts: { file?: string } = {}): Promise<GateFailure[]> {
  const { lintSource } = await import('@secretlint/core');
  const result = await lintSource({
    source: { content: text, filePath: opts.file ?? 'input.txt', contentType: 'text' },
    options: { config: await secretlintConfig(), maskSecrets: true, noPhysicFilePath: opts.file === undefined },
  });
  // On a line that both flag, the preset's finding is the one kept.
  const extra = (m: { ruleId: string }) => m.ruleId === extraSecretRule.meta.id;
  const byLine = new Map<number, string>();
  for (const m of [...result.messages.filter((m) => !extra(m)), ...result.messages.filter(extra)]) {
    if (!byLine.has(m.loc.start.line)) byLine.set(m.loc.start.line, `${m.messageId} (${ruleName(m.ruleId)})`);
  }
  return [...byLine]
    .sort(([a], [b]) => a - b)
    .map(([line, kind]) => ({ message: `possible ${kind}`, line, ...(opts.file ? { file: opts.file } : {}) }));
}

/** `@secretlint/secretlint-rule-aws` → `aws`; `sessionhub-extra` stays. */
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
