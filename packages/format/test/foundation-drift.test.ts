/**
 * The reader and the editor agree on a Foundation document's current version when its markers
 * (`Current Version:` line, metadata list, footer) and its session log disagree, in every direction.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyFoundationUpdate, FoundationUpdateError, parseFoundation } from '../src/foundation/index.js';
import { compareVersions, nextVersion } from '../src/version.js';

/** Diagnostics about versions that disagree. */
const DRIFT = new Set([
  'foundation-version-drift',
  'foundation-log-ahead-of-version',
  'foundation-log-behind-version',
  'foundation-no-version',
]);
const driftCodes = (text: string) =>
  parseFoundation(text)
    .diagnostics.map((d) => d.code)
    .filter((code) => DRIFT.has(code))
    .sort();

const update = (text: string, version: string) =>
  applyFoundationUpdate(text, { version, entry: { name: 'Next step', date: '2025-09-01' } });

function notForward(fn: () => unknown): FoundationUpdateError {
  try {
    fn();
  } catch (error) {
    if (FoundationUpdateError.isInstance(error) && error.code === 'foundation.version_not_forward') return error;
    throw error;
  }
  throw new Error('expected foundation.version_not_forward, nothing was thrown');
}

interface DriftCase {
  name: string;
  text: string;
  current: string;
  codes: string[];
}

const log = (...entries: string[]) => [
  '## Session Log',
  '',
  ...entries.map((v) => `- ${v} (2025-01-01): Work on ${v}`),
];
const doc = (...lines: string[]) => `${['# Atlas', '', ...lines].join('\n')}\n`;

const CASES: DriftCase[] = [
  {
    name: 'header below the log (0.1.8 over sessions 0.8 and 0.9)',
    text: doc('**Current Version:** 0.1.8', '', ...log('0.8', '0.9')),
    current: '0.9',
    codes: ['foundation-log-ahead-of-version'],
  },
  {
    name: 'log below the header',
    text: doc('Current Version: 2.5', '', ...log('2.3', '2.4')),
    current: '2.5',
    codes: ['foundation-log-behind-version'],
  },
  {
    name: 'footer ahead of the header and the log',
    text: doc('Current Version: 1.2', '', ...log('1.1', '1.2'), '', '---', '', 'Version v1.4 | Next 1.5'),
    current: '1.4',
    codes: ['foundation-log-behind-version', 'foundation-version-drift'],
  },
  {
    name: 'footer behind the header and the log',
    text: doc('Current Version: 1.4', '', ...log('1.3', '1.4'), '', '---', '', 'Version 1.2 | Next 1.5'),
    current: '1.4',
    codes: ['foundation-version-drift'],
  },
  {
    name: 'metadata list ahead of the header, log behind both',
    text: doc('Current Version: 3.0', '', '- Version: 3.1', '- Next Session: 3.2', '', ...log('3.0')),
    current: '3.1',
    codes: ['foundation-log-behind-version', 'foundation-version-drift'],
  },
  {
    name: 'metadata list behind the header, log ahead of both',
    text: doc('Current Version: 1.5', '', '- Version: 1.4', '', ...log('1.5', '1.6')),
    current: '1.6',
    codes: ['foundation-log-ahead-of-version', 'foundation-version-drift'],
  },
  {
    name: 'letter split in the log above the header (2.22 under 2.22A)',
    text: doc('Current Version: 2.22', '', ...log('2.21', '2.22', '2.22A')),
    current: '2.22A',
    codes: ['foundation-log-ahead-of-version'],
  },
  {
    name: 'letter split in the header above the log (2.25A.1 over 2.25A)',
    text: doc('Current Version: v2.25A.1', '', ...log('2.24', '2.25A')),
    current: '2.25A.1',
    codes: ['foundation-log-behind-version'],
  },
  {
    name: 'newest-first log ahead of the header and footer (2.29.2H over 2.29.2G)',
    text: doc(
      'Current Version: 2.29.2G',
      '',
      '## Session History',
      '',
      '### 2.29.2H — Cache, part H — 2025-08-30',
      '- Status: Done',
      '',
      '### 2.29.2G — Cache, part G — 2025-08-28',
      '- Status: Done',
      '',
      '---',
      '',
      'Version 2.29.2G | Next 2.30',
    ),
    current: '2.29.2H',
    codes: ['foundation-log-ahead-of-version'],
  },
  {
    name: 'markers and log agree',
    text: doc('Current Version: 1.2', '', ...log('1.1', '1.2'), '', '---', '', 'Version 1.2 | Next 1.3'),
    current: '1.2',
    codes: [],
  },
  {
    name: 'no markers at all: the log decides',
    text: doc(...log('1.2', '1.3')),
    current: '1.3',
    codes: ['foundation-no-version'],
  },
];

describe('parseFoundation and applyFoundationUpdate agree on the current version', () => {
  describe.each(CASES)('$name', ({ text, current, codes }) => {
    it(`parseFoundation reports ${current} and the drift`, () => {
      expect(parseFoundation(text).document.version?.text).toBe(current);
      expect(driftCodes(text)).toEqual(codes);
    });

    it(`applyFoundationUpdate refuses ${current} itself, naming it as the current version`, () => {
      const error = notForward(() => update(text, current));
      expect(error.message).toContain(`current version ${current}.`);
    });

    it.each(['minor', 'patch'] as const)('the %s version after it is accepted and ends the drift', (level) => {
      const next = nextVersion(current, level).text;
      const out = update(text, next);
      expect(parseFoundation(out).document.version?.text).toBe(next);
      expect(driftCodes(out)).toEqual([]);
    });
  });

  it('reports the drift where it is: the log entry ahead, or the marker the log is behind', () => {
    const ahead = parseFoundation(CASES[0]!.text).diagnostics.find((d) => d.code === 'foundation-log-ahead-of-version');
    expect(ahead).toMatchObject({ severity: 'warning', line: 8 });
    expect(ahead!.message).toContain('(0.9)');
    const behind = parseFoundation(CASES[1]!.text).diagnostics.find((d) => d.code === 'foundation-log-behind-version');
    expect(behind).toMatchObject({ severity: 'warning', line: 3, column: 18 });
    expect(behind!.message).toContain('2.4');
  });
});

/** Versions as real documents number them, letter splits and patch levels included. */
const VERSION = fc.constantFrom(
  '0.1.8',
  '0.8',
  '0.9',
  '0.10',
  '2.3',
  '2.9.1',
  '2.10',
  '2.22',
  '2.22A',
  '2.22B',
  '2.25A',
  '2.25A.1',
  '2.29.2G',
  '2.29.2H',
);

const sortVersions = (versions: string[]) => [...new Set(versions)].sort(compareVersions);

describe('agreement on any mix of markers and log', () => {
  it('the version parseFoundation reports is exactly the one applyFoundationUpdate must move forward from', () => {
    fc.assert(
      fc.property(
        fc.record({
          header: fc.option(VERSION, { nil: undefined }),
          metadata: fc.option(VERSION, { nil: undefined }),
          footer: fc.option(VERSION, { nil: undefined }),
          log: fc.array(VERSION, { maxLength: 4 }).map(sortVersions),
          newestFirst: fc.boolean(),
        }),
        ({ header, metadata, footer, log: logged, newestFirst }) => {
          const entries = newestFirst ? [...logged].reverse() : logged;
          const text = doc(
            ...(header ? [`**Current Version:** ${header}`, ''] : []),
            ...(metadata ? [`- Version: ${metadata}`, ''] : []),
            ...log(...entries),
            ...(footer ? ['', '---', '', `Version ${footer} | Status: active`] : []),
          );
          const stated = [header, metadata, footer, ...logged].filter((v): v is string => v !== undefined);
          const current = parseFoundation(text).document.version?.text;
          if (stated.length === 0) {
            expect(current).toBeUndefined();
            return;
          }
          expect(current).toBe(sortVersions(stated).at(-1));
          expect(notForward(() => update(text, current!)).message).toContain(`current version ${current}.`);
          const next = nextVersion(current!, 'patch').text;
          const out = update(text, next);
          expect(parseFoundation(out).document.version?.text).toBe(next);
          expect(driftCodes(out)).toEqual([]);
        },
      ),
      { numRuns: 300, seed: 20251130 },
    );
  });
});
