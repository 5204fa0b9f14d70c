import type { SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import {
  ClaudeCodeError,
  claudeCodeEnv,
  resultError,
  resultUsage,
  summarizeInput,
  workspacePath,
} from '../src/index.js';

/** A result message as Claude Code writes it (fields this package reads, the rest left out). */
function result(fields: Record<string, unknown>): SDKResultMessage {
  return {
    type: 'result',
    subtype: 'success',
    is_error: false,
    num_turns: 3,
    result: 'done',
    errors: [],
    total_cost_usd: 0.25,
    usage: { input_tokens: 1, output_tokens: 2, cache_read_input_tokens: 3, cache_creation_input_tokens: 4 },
    modelUsage: {},
    permission_denials: [],
    ...fields,
  } as unknown as SDKResultMessage;
}

describe('result messages', { timeout: 5_000 }, () => {
  it('maps the error subtypes to typed errors, with the secret redacted', () => {
    const during = resultError(result({ subtype: 'error_during_execution', errors: ['boom with sk-secret-1'] }), [
      'sk-secret-1',
    ]);
    expect(during).toBeInstanceOf(ClaudeCodeError);
    expect(during).toMatchObject({ code: 'claude_code.execution_failed', retryable: true });
    expect(during?.message).toBe('Claude Code failed during execution after 3 turns: boom with [redacted]');
    expect(resultError(result({ subtype: 'error_max_turns' }), [])).toMatchObject({ code: 'claude_code.max_turns' });
    expect(resultError(result({ subtype: 'error_max_budget_usd' }), [])).toMatchObject({
      code: 'claude_code.max_budget',
    });
    expect(resultError(result({}), [])).toBeUndefined();
  });

  it('takes tokens from modelUsage (every model) and falls back to usage; cost from total_cost_usd', () => {
    expect(resultUsage(result({}))).toEqual({
      inputTokens: 1,
      outputTokens: 2,
      cacheReadTokens: 3,
      cacheWriteTokens: 4,
      costUsd: 0.25,
    });
    const m = { inputTokens: 10, outputTokens: 20, cacheReadInputTokens: 30, cacheCreationInputTokens: 40 };
    expect(resultUsage(result({ modelUsage: { a: m, b: m } }))).toEqual({
      inputTokens: 20,
      outputTokens: 40,
      cacheReadTokens: 60,
      cacheWriteTokens: 80,
      costUsd: 0.25,
    });
  });
});

describe('progress helpers and the environment', { timeout: 5_000 }, () => {
  it('summarizes tool inputs without file contents', () => {
    expect(summarizeInput('Write', { file_path: '/w/a.txt', content: 'secret body' })).toBe('/w/a.txt (11 chars)');
    expect(summarizeInput('Bash', { command: 'npm test' })).toBe('npm test');
    expect(summarizeInput('Edit', { file_path: '/w/a.txt', old_string: 'x', new_string: 'y' })).toBe('/w/a.txt');
    expect(summarizeInput('Grep', { pattern: 'TODO' })).toBe('TODO');
    expect(summarizeInput('Bash', { command: 'x'.repeat(500) })).toHaveLength(201);
  });

  it('keeps only paths inside the workspace', () => {
    expect(workspacePath('/w', '/w/src/a.ts')).toBe('src/a.ts');
    expect(workspacePath('/w', 'src/a.ts')).toBe('src/a.ts');
    expect(workspacePath('/w', '/etc/passwd')).toBeUndefined();
    expect(workspacePath('/w', '/w/../x')).toBeUndefined();
  });

  it('builds the whole environment from its inputs, never from the host', () => {
    process.env.SESSIONHUB_TEST_LEAK = 'leak';
    try {
      const env = claudeCodeEnv({
        home: '/tmp/h',
        apiKey: 'k-1234',
        baseURL: 'http://127.0.0.1:1',
        permissionMode: 'acceptEdits',
        maxRetries: 2,
        extra: { EXTRA: '1' },
      });
      expect(Object.keys(env).sort()).toEqual([
        'ANTHROPIC_API_KEY',
        'ANTHROPIC_BASE_URL',
        'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC',
        'CLAUDE_CODE_MAX_RETRIES',
        'DISABLE_AUTOUPDATER',
        'DISABLE_TELEMETRY',
        'EXTRA',
        'HOME',
        'PATH',
      ]);
      expect(env.CLAUDE_CODE_MAX_RETRIES).toBe('2');
    } finally {
      delete process.env.SESSIONHUB_TEST_LEAK;
    }
  });
});
