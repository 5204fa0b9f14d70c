import { describe, expect, it } from 'vitest';
import { ERROR_SIGNATURE_MAX_LENGTH, errorSignature, percentile } from '../src/store/index.js';

describe('errorSignature', () => {
  it.each([
    ['Expected 3 to be 4', 'expected <n> to be <n>'],
    ['expected 10 to be 20', 'expected <n> to be <n>'],
    ['Timeout of 5000ms exceeded', 'timeout of <n>ms exceeded'],
    ['took 1.25 seconds', 'took <n> seconds'],
    ['1/2 tests failed', '<n>/<n> tests failed'],
    ['Cannot find module "lodash"', 'cannot find module <s>'],
    ["Property 'x' does not exist on type 'Y'", 'property <s> does not exist on type <s>'],
    ['unknown flag `--fast`', 'unknown flag <s>'],
    ['session 123e4567-e89b-12d3-a456-426614174000 not found', 'session <id> not found'],
    ['segfault at 0x7f3a9c', 'segfault at <id>'],
    ['commit deadbeef1234 rejected', 'commit <id> rejected'],
    ['the word deadbeef stays', 'the word deadbeef stays'],
    ['Error in /home/ci/repo/src/a.test.ts', 'error in <path>'],
    ['see ./test/slow.test.ts and ../up/x.js', 'see <path> and <path>'],
    ['at src/lib/x.ts:12:3', 'at <path>:<n>:<n>'],
    ['failed in C:\\work\\repo\\a.ts', 'failed in <path>'],
    ['missing /tmp', 'missing <path>'],
    ['  many\n\n  spaces\t here  ', 'many spaces here'],
    ['', ''],
  ])('%j → %j', (message, signature) => {
    expect(errorSignature(message)).toBe(signature);
  });

  it('groups the same failure with different details', () => {
    const a = errorSignature('AssertionError: expected 200 to equal 404 at /repo/a/users.test.ts:41:9');
    const b = errorSignature('AssertionError: Expected 500 to equal 201 at /repo/b/orders.test.ts:7:3');
    expect(a).toBe(b);
  });

  it('cuts to 200 characters', () => {
    const long = errorSignature(`failure ${'word '.repeat(100)}`);
    expect(ERROR_SIGNATURE_MAX_LENGTH).toBe(200);
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long.startsWith('failure word word')).toBe(true);
    expect(long.endsWith(' ')).toBe(false);
  });
});

describe('percentile (nearest rank)', () => {
  it.each([
    [[], 50, 0],
    [[7], 50, 7],
    [[7], 95, 7],
    [[15, 20, 35, 40, 50], 5, 15],
    [[15, 20, 35, 40, 50], 30, 20],
    [[15, 20, 35, 40, 50], 40, 20],
    [[15, 20, 35, 40, 50], 50, 35],
    [[15, 20, 35, 40, 50], 100, 50],
    [[50, 15, 40, 20, 35], 50, 35],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 95, 4],
    [[1, 2, 3, 4], 0, 1],
    [[1, 2, 3, 4], -5, 1],
    [[1, 2, 3, 4], 250, 4],
    [Array.from({ length: 100 }, (_, i) => i + 1), 95, 95],
    [Array.from({ length: 20 }, (_, i) => (i + 1) * 10), 95, 190],
  ])('percentile(%j, %d) = %d', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});
