import { describe, expect, it } from 'vitest';
import { addUsage, divideUsage, emptyUsage, type Usage, usageBeyond } from '../src/model/usage.js';

const call = (model: string | undefined, inputTokens: number): Usage => ({
  ...emptyUsage(),
  inputTokens,
  ...(model ? { model } : {}),
});

describe('usage.model', () => {
  it('a sum keeps the model only when both sides name the same one', () => {
    expect(addUsage(call('m-1', 1), call('m-1', 2))).toEqual(call('m-1', 3));
    expect(addUsage(call('m-1', 1), call('m-2', 2))).toEqual(call(undefined, 3));
    expect(addUsage(call('m-1', 1), call(undefined, 2))).toEqual(call(undefined, 3));
    // A running total that starts at zero names no model, so totals never claim one.
    expect(addUsage(emptyUsage(), call('m-1', 2))).toEqual(call(undefined, 2));
  });

  it('what a total adds beyond the reported calls keeps their common model', () => {
    expect(usageBeyond(call('m-1', 5), call('m-1', 2))).toEqual(call('m-1', 3));
    expect(usageBeyond(call('m-1', 5), call(undefined, 2))).toEqual(call(undefined, 3));
  });

  it('a per-session division names no model', () => {
    expect(divideUsage(call('m-1', 4), 2)).toEqual(call(undefined, 2));
  });
});
