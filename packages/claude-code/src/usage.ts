import type { SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import type { Usage } from '@sessionhub/core';

const count = (n: unknown): number => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.round(n) : 0);

/**
 * Tokens and cost of a run from its result message. Tokens come from `modelUsage` (every model call of
 * the run, subagents included, the same calls `total_cost_usd` covers) and fall back to `usage` (the
 * main loop only) when it is empty; the cost is Claude Code's own estimate, `total_cost_usd`.
 */
export function resultUsage(result: SDKResultMessage): Usage {
  const models = Object.values(result.modelUsage ?? {});
  const costUsd = typeof result.total_cost_usd === 'number' && result.total_cost_usd > 0 ? result.total_cost_usd : 0;
  if (models.length > 0) {
    return {
      inputTokens: models.reduce((s, m) => s + count(m.inputTokens), 0),
      outputTokens: models.reduce((s, m) => s + count(m.outputTokens), 0),
      cacheReadTokens: models.reduce((s, m) => s + count(m.cacheReadInputTokens), 0),
      cacheWriteTokens: models.reduce((s, m) => s + count(m.cacheCreationInputTokens), 0),
      costUsd,
    };
  }
  const u = result.usage;
  return {
    inputTokens: count(u?.input_tokens),
    outputTokens: count(u?.output_tokens),
    cacheReadTokens: count(u?.cache_read_input_tokens),
    cacheWriteTokens: count(u?.cache_creation_input_tokens),
    costUsd,
  };
}
