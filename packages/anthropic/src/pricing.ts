import type { Usage } from '@sessionhub/core';

/** What one model costs, in US dollars per million tokens. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Five-minute cache writes; default 1.25 × input. */
  cacheWritePerMTok?: number;
  /** One-hour cache writes (`ttl: "1h"`); default 2 × input. */
  cacheWrite1hPerMTok?: number;
  /** Cache reads; default 0.1 × input. */
  cacheReadPerMTok?: number;
  /**
   * Long-context prices: a call whose input (uncached + cache reads + cache writes) exceeds
   * `aboveInputTokens` is charged these rates for all its tokens; cache prices keep their ratio to input.
   */
  longContext?: { aboveInputTokens: number; inputPerMTok: number; outputPerMTok: number };
}

/** A price table keyed by model id; a dated id (`<id>-YYYYMMDD` or `<id>@YYYYMMDD`) finds its undated entry. */
export type PriceTable = Record<string, ModelPrice>;

const SONNET_LONG = { aboveInputTokens: 200_000, inputPerMTok: 6, outputPerMTok: 22.5 };

/**
 * List prices at the time of writing. Override or extend with the `prices` option. A model that is
 * not in the table is priced as unknown: cost 0 with `usage.costUnknown` set, never guessed from a prefix.
 */
export const DEFAULT_PRICES: PriceTable = {
  'claude-opus-4-6': { inputPerMTok: 5, outputPerMTok: 25 },
  'claude-sonnet-4-6': { inputPerMTok: 3, outputPerMTok: 15, longContext: SONNET_LONG },
  'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25 },
  'claude-opus-4-1': { inputPerMTok: 15, outputPerMTok: 75 },
  'claude-opus-4': { inputPerMTok: 15, outputPerMTok: 75 },
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15, longContext: SONNET_LONG },
  'claude-sonnet-4': { inputPerMTok: 3, outputPerMTok: 15, longContext: SONNET_LONG },
  'claude-3-7-sonnet': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'claude-3-5-haiku': { inputPerMTok: 0.8, outputPerMTok: 4 },
};

/** The price of a model: its exact entry, or the entry of the id without a date suffix; otherwise `undefined`. */
export function priceFor(model: string, table: PriceTable = DEFAULT_PRICES): ModelPrice | undefined {
  if (Object.hasOwn(table, model)) return table[model];
  const undated = /^(.+?)[-@]\d{8}$/.exec(model)?.[1];
  return undated !== undefined && Object.hasOwn(table, undated) ? table[undated] : undefined;
}

/** Token counts as the Messages API reports them (null fields count as 0). */
export interface ApiUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  /** The cache writes split by TTL. */
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
}

/** SessionHub's {@link Usage} of one call, costed with the table (`costUnknown` when the model has no price). */
export function usageOf(api: ApiUsage, model: string, table: PriceTable = DEFAULT_PRICES): Usage {
  const usage: Usage = {
    inputTokens: api.input_tokens,
    outputTokens: api.output_tokens,
    cacheReadTokens: api.cache_read_input_tokens ?? 0,
    cacheWriteTokens: api.cache_creation_input_tokens ?? 0,
    costUsd: 0,
  };
  const price = priceFor(model, table);
  if (!price) return { ...usage, costUnknown: true };
  const promptTokens = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  const long = price.longContext && promptTokens > price.longContext.aboveInputTokens ? price.longContext : undefined;
  const scale = long ? long.inputPerMTok / price.inputPerMTok : 1;
  const input = long?.inputPerMTok ?? price.inputPerMTok;
  const output = long?.outputPerMTok ?? price.outputPerMTok;
  const write5m = (price.cacheWritePerMTok ?? price.inputPerMTok * 1.25) * scale;
  const write1h = (price.cacheWrite1hPerMTok ?? price.inputPerMTok * 2) * scale;
  const read = (price.cacheReadPerMTok ?? price.inputPerMTok * 0.1) * scale;
  const oneHour = Math.min(api.cache_creation?.ephemeral_1h_input_tokens ?? 0, usage.cacheWriteTokens);
  usage.costUsd =
    (usage.inputTokens * input +
      usage.outputTokens * output +
      (usage.cacheWriteTokens - oneHour) * write5m +
      oneHour * write1h +
      usage.cacheReadTokens * read) /
    1_000_000;
  return usage;
}
