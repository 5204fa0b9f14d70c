import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  formatVersion,
  InvalidVersionError,
  isVersionText,
  nextVersion,
  parseVersion,
} from '../src/version.js';

describe('parseVersion', () => {
  it.each([
    ['2.3', '2.3', [2, 3]],
    ['0.12', '0.12', [0, 12]],
    ['2.9.1', '2.9.1', [2, 9, 1]],
    ['v2.3', '2.3', [2, 3]],
    ['V0.11', '0.11', [0, 11]],
    ['  2.3  ', '2.3', [2, 3]],
    ['2.03', '2.3', [2, 3]],
  ])('reads %j as %s', (input, text, numbers) => {
    const v = parseVersion(input);
    expect(v?.text).toBe(text);
    expect(v?.parts.map((p) => p.number)).toEqual(numbers);
  });

  it('keeps letter splits on every part, upper-cased', () => {
    expect(parseVersion('2.22A')).toEqual({
      text: '2.22A',
      parts: [
        { number: 2, letter: '' },
        { number: 22, letter: 'A' },
      ],
    });
    expect(parseVersion('2.25a.1')?.parts).toEqual([
      { number: 2, letter: '' },
      { number: 25, letter: 'A' },
      { number: 1, letter: '' },
    ]);
    expect(parseVersion('v2.29.2h')?.text).toBe('2.29.2H');
  });

  it.each([
    '',
    '2',
    'v2',
    '2.',
    '.3',
    '2..3',
    '2.x',
    'v',
    '2.3-beta',
    '2.3 beta',
    'x2.3',
    '2.3abc',
    'A.2',
    '1234567890123456.1',
  ])('rejects %j', (input) => {
    expect(parseVersion(input)).toBeUndefined();
    expect(isVersionText(input)).toBe(false);
  });

  it('never throws and round-trips through formatVersion', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const v = parseVersion(s);
        if (v) expect(parseVersion(formatVersion(v))).toEqual(v);
      }),
    );
  });
});

describe('formatVersion', () => {
  it('writes the canonical spelling', () => {
    expect(
      formatVersion({
        text: 'ignored',
        parts: [
          { number: 2, letter: '' },
          { number: 25, letter: 'A' },
          { number: 1, letter: '' },
        ],
      }),
    ).toBe('2.25A.1');
  });
});

describe('compareVersions', () => {
  const ordered = [
    '0.9',
    '0.11',
    '0.12',
    '2.3',
    '2.9',
    '2.9.1',
    '2.10',
    '2.22',
    '2.22A',
    '2.22B',
    '2.22Z',
    '2.22AA',
    '2.25A',
    '2.25A.1',
    '2.29.2',
    '2.29.2H',
    '2.30',
    '10.0',
  ];

  it('orders the versions seen in the wild', () => {
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const expected = i < j ? -1 : i > j ? 1 : 0;
        expect(compareVersions(ordered[i]!, ordered[j]!), `${ordered[i]} vs ${ordered[j]}`).toBe(expected);
      }
    }
  });

  it('treats prefix and case as spelling only', () => {
    expect(compareVersions('v2.22a', '2.22A')).toBe(0);
    expect(compareVersions(parseVersion('2.9')!, '2.10')).toBe(-1);
  });

  it('sorts like a total order', () => {
    const arb = fc
      .array(fc.record({ n: fc.nat(30), l: fc.constantFrom('', 'A', 'B', 'AA') }), { minLength: 2, maxLength: 4 })
      .map((ps) => ps.map((p) => `${p.n}${p.l}`).join('.'));
    fc.assert(
      fc.property(arb, arb, arb, (a, b, c) => {
        expect(compareVersions(a, b)).toBe(-compareVersions(b, a) || 0);
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0)
          expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
        if (compareVersions(a, b) === 0) expect(parseVersion(a)?.text).toBe(parseVersion(b)?.text);
      }),
    );
  });

  it('throws a typed error on text that is not a version', () => {
    expect(() => compareVersions('2.3', 'banana')).toThrow(InvalidVersionError);
    try {
      compareVersions('nope', '2.3');
    } catch (e) {
      expect((e as InvalidVersionError).code).toBe('format.invalid_version');
    }
  });
});

describe('nextVersion', () => {
  it.each([
    ['2.3', 'minor', '2.4'],
    ['2.9', 'minor', '2.10'],
    ['2.22A', 'minor', '2.23'],
    ['2.9.1', 'minor', '2.10'],
    ['0.12', 'minor', '0.13'],
    ['2.3', 'patch', '2.3.1'],
    ['2.3.1', 'patch', '2.3.2'],
    ['2.25A', 'patch', '2.25A.1'],
    ['2.29.2H', 'patch', '2.29.3'],
    ['v2.3', 'patch', '2.3.1'],
  ] as const)('%s %s -> %s', (from, level, to) => {
    const next = nextVersion(from, level);
    expect(next.text).toBe(to);
    expect(compareVersions(next, from)).toBe(1);
  });

  it('accepts a parsed version', () => {
    expect(nextVersion(parseVersion('1.2')!, 'minor').text).toBe('1.3');
  });

  it('throws a typed error on text that is not a version', () => {
    expect(() => nextVersion('x', 'minor')).toThrow(InvalidVersionError);
  });
});
