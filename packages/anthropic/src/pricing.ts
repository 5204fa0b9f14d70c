import type { Usage } from '@sessionhub/core';

/** What one model costs, in US dollars per million tokens. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Five-minute cache writes; default 1.25 × input. */
  cacheWritePerMTok?: number;
  /** Cache reads; default 0.1 × input. */
  cacheReadPerMTok?: number;
}

/** A price table keyed by model id (or id prefix, e.g. `claude-sonnet-4-5` covers its dated ids). */
export type PriceTable = Record<string, ModelPrice>;

/**
 * List prices at the time of writing. Override or extend with the `prices` option; a model that is
 * not in the table (by exact id or longest prefix) is costed at 0.
 */
export const DEFAULT_PRICES: PriceTable = {
  'claude-opus-4-6': { inputPerMTok: 5, outputPerMTok: 25 },
  'claude-sonnet-4-6': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25 },
  'claude-opus-4-1': { inputPerMTok: 15, outputPerMTok: 75 },
  'claude-opus-4': { inputPerMTok: 15, outputPerMTok: 75 },
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-sonnet-4': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-3-7-sonnet': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'claude-3-5-haiku': { inputPerMTok: 0.8, outputPerMTok: 4 },
};

/** The price of a model: its exact entry, else the longest key that prefixes the id. */
export function priceFor(model: string, table: PriceTable = DEFAULT_PRICES): ModelPrice | undefined {
  if (table[model]) return table[model];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (model.startsWith(key) && (!best || key.length > best.length)) best = key;
  }
  return best ? table[best] : undefined;
}

/** Token counts as the Messages API reports them (null fields count as 0). */
export interface ApiUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** SessionHub's {@link Usage} of one call, costed with the table. */
export function usageOf(api: ApiUsage, model: string, table: PriceTable = DEFAULT_PRICES): Usage {
  const usage: Usage = {
    inputTokens: api.input_tokens,
    outputTokens: api.output_tokens,
    cacheReadTokens: api.cache_read_input_tokens ?? 0,
    cacheWriteTokens: api.cache_creation_input_tokens ?? 0,
    costUsd: 0,
  };
  const price = priceFor(model, table);
  if (price) {
    const write = price.cacheWritePerMTok ?? price.inputPerMTok * 1.25;
    const read = price.cacheReadPerMTok ?? price.inputPerMTok * 0.1;
    usage.costUsd =
      (usage.inputTokens * price.inputPerMTok +
        usage.outputTokens * price.outputPerMTok +
        usage.cacheWriteTokens * write +
        usage.cacheReadTokens * read) /
      1_000_000;
  }
  return usage;
}
