import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mean, total } from '../src/tally.ts';

test('total adds every value', () => {
  assert.equal(total([1, 2, 3.5]), 6.5);
  assert.equal(total([]), 0);
});

test('mean is the total over the count', () => {
  assert.equal(mean([2, 4, 9]), 5);
  assert.equal(mean([]), undefined);
});
