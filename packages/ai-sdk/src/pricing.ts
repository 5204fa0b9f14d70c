import type { Usage } from '@sessionhub/core';
import type { LanguageModelUsage } from 'ai';

/** What one model costs, in US dollars per million tokens. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Cached input reads; default the input price (no discount is assumed). */
  cacheReadPerMTok?: number;
  /** Cache writes; default the input price. */
  cacheWritePerMTok?: number;
}

/** A price table keyed by model id (as the provider reports it, e.g. `gpt-4.1`); a dated id (`<id>-YYYY-MM-DD` or `<id>-YYYYMMDD`) finds its undated entry. */
export type PriceTable = Record<string, ModelPrice>;

/**
 * List prices at the time of writing for a few common models. Extend or override with the `prices` option;
 * a model without an entry is counted at cost 0 with `usage.costUnknown`, never guessed.
 */
export const DEFAULT_PRICES: PriceTable = {
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6, cacheReadPerMTok: 0.1 },
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10, cacheReadPerMTok: 1.25 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6, cacheReadPerMTok: 0.075 },
  'claude-sonnet-4-6': { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5, cacheReadPerMTok: 0.1, cacheWritePerMTok: 1.25 },
};

/** The price of a model: its exact entry, or the entry of the id without a date suffix. */
export function priceFor(model: string, table: PriceTable = DEFAULT_PRICES): ModelPrice | undefined {
  if (Object.hasOwn(table, model)) return table[model];
  const undated = /^(.+?)[-@](?:\d{8}|\d{4}-\d{2}-\d{2})$/.exec(model)?.[1];
  return undated !== undefined && Object.hasOwn(table, undated) ? table[undated] : undefined;
}

/**
 * SessionHub's {@link Usage} of one AI SDK call. The AI SDK counts cached tokens inside `inputTokens`;
 * SessionHub's `inputTokens` are the uncached ones, so cache reads and writes are taken out.
 */
export function usageOf(api: LanguageModelUsage, model: string, table: PriceTable = DEFAULT_PRICES): Usage {
  const cacheRead = api.inputTokenDetails?.cacheReadTokens ?? 0;
  const cacheWrite = api.inputTokenDetails?.cacheWriteTokens ?? 0;
  const input = api.inputTokenDetails?.noCacheTokens ?? Math.max(0, (api.inputTokens ?? 0) - cacheRead - cacheWrite);
  const usage: Usage = {
    inputTokens: input,
    outputTokens: api.outputTokens ?? 0,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    costUsd: 0,
  };
  const price = priceFor(model, table);
  if (!price) return { ...usage, costUnknown: true };
  usage.costUsd =
    (input * price.inputPerMTok +
      usage.outputTokens * price.outputPerMTok +
      cacheRead * (price.cacheReadPerMTok ?? price.inputPerMTok) +
      cacheWrite * (price.cacheWritePerMTok ?? price.inputPerMTok)) /
    1_000_000;
  return usage;
}
