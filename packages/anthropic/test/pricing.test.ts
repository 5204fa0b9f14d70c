import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, priceFor, usageOf } from '../src/index.js';

const M = 1_000_000;

describe('usage and cost', () => {
  it('costs every token kind with the model price (5-minute writes 1.25×, 1-hour writes 2×, reads 0.1×)', () => {
    const u = usageOf(
      {
        input_tokens: 50_000,
        output_tokens: 10_000,
        cache_creation_input_tokens: 40_000,
        cache_read_input_tokens: 100_000,
        cache_creation: { ephemeral_5m_input_tokens: 30_000, ephemeral_1h_input_tokens: 10_000 },
      },
      'claude-sonnet-4-6',
    );
    expect(u).toMatchObject({
      inputTokens: 50_000,
      outputTokens: 10_000,
      cacheWriteTokens: 40_000,
      cacheReadTokens: 100_000,
    });
    expect(u.costUnknown).toBeUndefined();
    expect(u.costUsd).toBeCloseTo((50_000 * 3 + 10_000 * 15 + 30_000 * 3.75 + 10_000 * 6 + 100_000 * 0.3) / M, 10);
  });

  it('charges long-context rates when a call’s whole input passes 200k tokens', () => {
    const under = usageOf(
      { input_tokens: 100_000, output_tokens: 1000, cache_read_input_tokens: 100_000 },
      'claude-sonnet-4-5',
    );
    expect(under.costUsd).toBeCloseTo((100_000 * 3 + 1000 * 15 + 100_000 * 0.3) / M, 10);
    const over = usageOf(
      { input_tokens: 100_000, output_tokens: 1000, cache_read_input_tokens: 100_001, cache_creation_input_tokens: 0 },
      'claude-sonnet-4-5',
    );
    // input 6, output 22.50, cache read 0.1 × 6
    expect(over.costUsd).toBeCloseTo((100_000 * 6 + 1000 * 22.5 + 100_001 * 0.6) / M, 10);
  });

  it('finds dated model ids of a priced model, and lets users extend the table', () => {
    expect(priceFor('claude-haiku-4-5-20251001')).toBe(DEFAULT_PRICES['claude-haiku-4-5']);
    expect(priceFor('claude-sonnet-4-5@20250929')).toBe(DEFAULT_PRICES['claude-sonnet-4-5']);
    const table = { ...DEFAULT_PRICES, 'my-model': { inputPerMTok: 2, outputPerMTok: 4, cacheReadPerMTok: 0 } };
    expect(
      usageOf({ input_tokens: 500_000, output_tokens: 250_000, cache_read_input_tokens: 10 }, 'my-model', table)
        .costUsd,
    ).toBeCloseTo(2, 10);
  });

  it('prices an unknown model as unknown (cost 0, costUnknown), never by a prefix of a known one', () => {
    // 'claude-opus-4' is in the table at $15/$75; a newer id that merely starts with it is not priced from it
    expect(priceFor('claude-opus-4-7')).toBeUndefined();
    const u = usageOf(
      { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: null, cache_read_input_tokens: null },
      'claude-opus-4-7',
    );
    expect(u).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0,
      costUnknown: true,
    });
  });
});
