import type { SecretLintRuleCreator } from '@secretlint/types';

/** One credential shape of {@link EXTRA_SECRET_PATTERNS}. */
export interface ExtraSecretPattern {
  /** The message id a finding carries, e.g. `GoogleAPIKey`. */
  id: string;
  /** What the shape is, in words. */
  kind: string;
  /** Matched over the whole text (a global pattern), so it may span lines. */
  pattern: RegExp;
}

/**
 * What the hand-written gate caught and secretlint's recommended preset does not, run as one more secretlint
 * rule (`sessionhub-extra`), so that disable comments and masking work for it as for the preset. Measured by
 * `bench/secret-scan.bench.ts`; numbers in docs/engine.md, "Secret scan".
 */
export const EXTRA_SECRET_PATTERNS: readonly ExtraSecretPattern[] = [
  {
    id: 'PrivateKeyBody',
    // The preset wants a PEM body of 100+ characters starting `MI`: it misses EC P-256 (`MHc...`) and Ed25519 keys.
    kind: 'PEM private key with a body',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:\r?\n|\\n)+[A-Za-z0-9+/]{40}/g,
  },
  { id: 'GoogleAPIKey', kind: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  {
    id: 'SkSecretKey',
    // The preset's openai rule wants OpenAI's `T3BlbkFJ` marker; other providers' `sk-` keys have none.
    kind: 'API secret key (sk-)',
    pattern: /\bsk-(?!ant-)[A-Za-z0-9_-]{32,}/g,
  },
  {
    id: 'AnthropicAdminKey',
    // The preset's anthropic rule knows API keys (`sk-ant-api03-`) only.
    kind: 'Anthropic admin key',
    pattern: /\bsk-ant-admin\d{2}-[A-Za-z0-9_-]{80,}/g,
  },
  {
    id: 'HardCodedCredential',
    kind: 'credential assigned in code',
    pattern:
      /\b(?:api[_-]?key|secret[_-]?key|access[_-]?token|auth[_-]?token|password)\b["']?[ \t]*[:=][ \t]*["'](?=[^"'\s]*\d)(?=[^"'\s]*[A-Za-z])[^"'\s]{16,}["']/gi,
  },
];

/** {@link EXTRA_SECRET_PATTERNS} as a secretlint rule. */
export const extraSecretRule: SecretLintRuleCreator = {
  messages: Object.fromEntries(EXTRA_SECRET_PATTERNS.map((p) => [p.id, { en: () => `found ${p.kind}` }])),
  meta: { id: 'sessionhub-extra', type: 'scanner', recommended: true, supportedContentTypes: ['text'] },
  create(context) {
    const t = context.createTranslator(this.messages);
    return {
      file(source) {
        for (const { id, pattern } of EXTRA_SECRET_PATTERNS) {
          for (const match of source.content.matchAll(pattern)) {
            context.report({ message: t(id), range: [match.index, match.index + match[0].length] });
          }
        }
      },
    };
  },
};
