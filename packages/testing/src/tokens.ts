import type { WireBlock, WireTool } from './wire.js';

/**
 * The fake's token-count approximation: `ceil(characters / 4)` of the block's JSON
 * serialization with `cache_control` removed (so marking a block does not change its size).
 * Real tokenizers differ; the rule is stable, monotonic and documented, which is what tests need.
 */
export function approxTokens(value: string | WireBlock | WireTool | unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(stripCacheControl(value));
  return Math.ceil(text.length / 4);
}

/** A block or tool without its `cache_control` marker: a copy without it, or the value itself when it has none. */
export function stripCacheControl(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, 'cache_control'))
    return value;
  const { cache_control: _ignored, ...rest } = value as Record<string, unknown>;
  return rest;
}
