import { z } from 'zod';

/** Tokens and cost of one or more model calls. */
export const UsageSchema = z.object({
  inputTokens: z.number().int().nonnegative().describe('Uncached input tokens'),
  outputTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative().describe('Input tokens read from the prompt cache'),
  cacheWriteTokens: z.number().int().nonnegative().describe('Input tokens written to the prompt cache'),
  costUsd: z.number().nonnegative(),
  /** Set when some call's model had no known price: `costUsd` then leaves those calls out (counted as 0). */
  costUnknown: z.boolean().optional(),
  /** The model id that answered (as the provider names it), when one model made every call counted here. */
  model: z.string().min(1).optional(),
});
/** Tokens and cost of one or more model calls. */
export type Usage = z.infer<typeof UsageSchema>;

/** A usage of zero. */
export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };
}

/** `{ model }` when both usages name the same model, else nothing: a sum over two models names neither. */
function sameModel(a: Usage, b: Usage): { model?: string } {
  return a.model !== undefined && a.model === b.model ? { model: a.model } : {};
}

/** Sum of two usages; `model` is kept only when both name the same one. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    costUsd: a.costUsd + b.costUsd,
    ...(a.costUnknown || b.costUnknown ? { costUnknown: true } : {}),
    ...sameModel(a, b),
  };
}

/** All tokens a usage counts (input of every kind plus output). */
export function totalTokens(u: Usage): number {
  return u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
}

/**
 * `a − b`, field by field, never below zero: what a total adds to usage already reported; `model` is kept
 * only when both name the same one.
 */
export function usageBeyond(a: Usage, b: Usage): Usage {
  return {
    inputTokens: Math.max(0, a.inputTokens - b.inputTokens),
    outputTokens: Math.max(0, a.outputTokens - b.outputTokens),
    cacheReadTokens: Math.max(0, a.cacheReadTokens - b.cacheReadTokens),
    cacheWriteTokens: Math.max(0, a.cacheWriteTokens - b.cacheWriteTokens),
    costUsd: Math.max(0, a.costUsd - b.costUsd),
    ...sameModel(a, b),
  };
}

/** Whether a usage is all zero. */
export function isEmptyUsage(u: Usage): boolean {
  return totalTokens(u) === 0 && u.costUsd === 0;
}

/** A usage divided by a count (for example per session); zero for a count of zero. */
export function divideUsage(u: Usage, by: number): Usage {
  if (by === 0) return emptyUsage();
  return {
    inputTokens: u.inputTokens / by,
    outputTokens: u.outputTokens / by,
    cacheReadTokens: u.cacheReadTokens / by,
    cacheWriteTokens: u.cacheWriteTokens / by,
    costUsd: u.costUsd / by,
  };
}
