import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, priceFor, usageOf } from '../src/index.js';

describe('usage and cost', () => {
  it('costs every token kind with the model price (cache writes 1.25×, reads 0.1× by default)', () => {
    const u = usageOf(
      {
        input_tokens: 1_000_000,
        output_tokens: 1_000_000,
        cache_creation_input_tokens: 1_000_000,
        cache_read_input_tokens: 1_000_000,
      },
      'claude-sonnet-4-6',
    );
    expect(u).toMatchObject({
      inputTokens: 1_000_000,
      outputTokens: 1_000_000,
      cacheWriteTokens: 1_000_000,
      cacheReadTokens: 1_000_000,
    });
    expect(u.costUsd).toBeCloseTo(3 + 15 + 3.75 + 0.3, 10);
  });

  it('finds dated model ids by prefix and lets users override the table', () => {
    expect(priceFor('claude-haiku-4-5-20251001')).toBe(DEFAULT_PRICES['claude-haiku-4-5']);
    const table = { ...DEFAULT_PRICES, 'my-model': { inputPerMTok: 2, outputPerMTok: 4, cacheReadPerMTok: 0 } };
    expect(
      usageOf({ input_tokens: 500_000, output_tokens: 250_000, cache_read_input_tokens: 10 }, 'my-model', table)
        .costUsd,
    ).toBeCloseTo(2, 10);
  });

  it('costs an unknown model at 0 and treats null cache fields as 0', () => {
    const u = usageOf(
      { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: null, cache_read_input_tokens: null },
      'unknown-model',
    );
    expect(u).toEqual({ inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 });
  });
});
