import type { SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import { ProviderError } from '@sessionhub/core';
import { redact } from './redact.js';

/**
 * Claude Code ended a run without doing the work: `claude_code.max_turns`,
 * `claude_code.execution_failed`, `claude_code.max_budget`, `claude_code.structured_output`,
 * `claude_code.no_result` (the run ended without a result message) or `claude_code.process` (the process failed);
 * for the `mcpServers` option, `mcp.invalid_config` (from the constructor) and `mcp.not_in_sandbox`.
 * It is a {@link ProviderError}, so the engine treats it like any failed model provider.
 */
export class ClaudeCodeError extends ProviderError {}

const SUBTYPE_CODES: Record<string, [code: string, what: string, retryable: boolean]> = {
  error_max_turns: ['claude_code.max_turns', 'Claude Code reached its turn limit', false],
  error_during_execution: ['claude_code.execution_failed', 'Claude Code failed during execution', true],
  error_max_budget_usd: ['claude_code.max_budget', 'Claude Code reached its cost budget', false],
  error_max_structured_output_retries: [
    'claude_code.structured_output',
    'Claude Code could not produce structured output',
    false,
  ],
};

/**
 * Maps a failed model call to a provider code, like `@sessionhub/anthropic` does: by HTTP status, or
 * without one by Claude Code's error text (a cut connection, an unreadable response).
 */
function statusCode(status: number | null | undefined, text: string): [code: string, retryable: boolean] {
  if (status === 429) return ['provider.rate_limited', true];
  if (status === 529) return ['provider.overloaded', true];
  if (status !== null && status !== undefined && status >= 500) return ['provider.server_error', true];
  if (status === 401 || status === 403) return ['provider.auth', false];
  if (status !== null && status !== undefined && status >= 400) return ['provider.bad_request', false];
  if (/ECONNRESET|connection|socket|terminated|timed? ?out/i.test(text)) return ['provider.connection', true];
  if (/malformed|empty or malformed|could not be parsed|JSON/i.test(text)) return ['provider.bad_response', true];
  return ['provider.error', true];
}

/** The typed error for a result message that is not a success, or `undefined` for a success. */
export function resultError(
  result: SDKResultMessage,
  secrets: readonly (string | undefined)[],
): ProviderError | undefined {
  if (result.subtype === 'success') {
    if (!result.is_error) return undefined;
    // A turn that ended on an API error: its text is the error, its status says which.
    const status = result.api_error_status ?? undefined;
    const [code, retryable] = statusCode(status, result.result);
    return new ProviderError(code, redact(`model call failed in Claude Code: ${result.result}`, secrets), {
      status,
      retryable,
    });
  }
  const [code, what, retryable] = SUBTYPE_CODES[result.subtype] ?? [
    'claude_code.execution_failed',
    `Claude Code ended with ${result.subtype}`,
    true,
  ];
  const detail = result.errors.length > 0 ? `: ${result.errors.join('; ')}` : '';
  return new ClaudeCodeError(code, redact(`${what} after ${result.num_turns} turns${detail}`, secrets), {
    retryable,
  });
}
