/**
 * Session versions as people really number them: `2.3`, `0.12`, `2.9.1`, `2.22A`, `2.25A.1`, `2.29.2H`,
 * with an optional `v` prefix. Parsing, canonical spelling, ordering and bumping.
 */
import { SessionHubError } from './errors.js';
import type { SessionVersion, VersionPart } from './types.js';

/** Thrown by {@link compareVersions} and {@link nextVersion} when given text that is not a session version. */
export class InvalidVersionError extends SessionHubError {
  /** The text that could not be read as a version. */
  readonly text: string;

  constructor(text: string) {
    super('format.invalid_version', `Not a session version: ${JSON.stringify(text.slice(0, 80))}`);
    this.text = text;
  }
}

/** Most parts a version may have (`2.25A.1.4` is the deepest seen in the wild; leave headroom). */
const MAX_PARTS = 8;
/** Keep every number a safe integer. */
const MAX_DIGITS = 15;
/** Letter splits are short (`A`, `B`, ... `H`); a long run of letters is a word, not a split. */
const MAX_LETTERS = 2;

/**
 * Reads a session version: at least two dot-separated parts (`X.Y`), each a number with an optional
 * short letter split, optionally prefixed with `v`/`V`. Letters are case-insensitive. Surrounding
 * whitespace is ignored. Returns `undefined` for anything else (`2`, `2.`, `2.x`, `v`, `2.3-beta`).
 *
 * @example parseVersion('v2.25a.1') // { text: '2.25A.1', parts: [...] }
 */
export function parseVersion(text: string): SessionVersion | undefined {
  if (typeof text !== 'string') return undefined;
  const s = text.trim();
  let i = 0;
  if (s.charCodeAt(0) === 0x76 || s.charCodeAt(0) === 0x56) i = 1; // v / V
  const parts: VersionPart[] = [];
  while (true) {
    const digitsStart = i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    const digits = i - digitsStart;
    if (digits === 0 || digits > MAX_DIGITS) return undefined;
    const letterStart = i;
    while (i < s.length && isLetter(s.charCodeAt(i))) i++;
    if (i - letterStart > MAX_LETTERS) return undefined;
    parts.push({
      number: Number(s.slice(digitsStart, letterStart)),
      letter: s.slice(letterStart, i).toUpperCase(),
    });
    if (parts.length > MAX_PARTS) return undefined;
    if (i === s.length) break;
    if (s.charCodeAt(i) !== 0x2e) return undefined; // '.'
    i++;
  }
  if (parts.length < 2) return undefined;
  return makeVersion(parts);
}

/** Whether `text` (trimmed) is a session version that {@link parseVersion} accepts. */
export function isVersionText(text: string): boolean {
  return parseVersion(text) !== undefined;
}

/** The canonical spelling of a version: no `v` prefix, numbers without leading zeros, letters upper-case. */
export function formatVersion(v: SessionVersion): string {
  return v.parts.map((p) => `${p.number}${p.letter}`).join('.');
}

/**
 * Orders two versions part by part: number first, then letter split (`''` < `A` < `B` < ... < `Z` < `AA`),
 * and a version that runs out of parts comes first. So `2.9 < 2.9.1 < 2.10 < 2.22 < 2.22A < 2.22B`
 * and `2.25A < 2.25A.1`. Strings are parsed with {@link parseVersion}.
 *
 * @throws {InvalidVersionError} when a string argument is not a version.
 */
export function compareVersions(a: SessionVersion | string, b: SessionVersion | string): -1 | 0 | 1 {
  const pa = toVersion(a).parts;
  const pb = toVersion(b).parts;
  const n = Math.min(pa.length, pb.length);
  for (let k = 0; k < n; k++) {
    const x = pa[k]!;
    const y = pb[k]!;
    if (x.number !== y.number) return x.number < y.number ? -1 : 1;
    const c = compareLetters(x.letter, y.letter);
    if (c !== 0) return c;
  }
  if (pa.length === pb.length) return 0;
  return pa.length < pb.length ? -1 : 1;
}

/**
 * The next version. `minor`: increment the second part and drop everything after it and any letter
 * (`2.3 → 2.4`, `2.22A → 2.23`, `2.9.1 → 2.10`). `patch`: increment the third part, dropping its letter and
 * anything after it (`2.3.1 → 2.3.2`, `2.29.2H → 2.29.3`), or append `.1` when there is none
 * (`2.3 → 2.3.1`, `2.25A → 2.25A.1`).
 *
 * @throws {InvalidVersionError} when a string argument is not a version.
 */
export function nextVersion(v: SessionVersion | string, level: 'minor' | 'patch'): SessionVersion {
  const parts = toVersion(v).parts;
  const [major, minor, patch] = parts;
  if (!major || !minor) throw new InvalidVersionError(String(v));
  if (level === 'minor') {
    return makeVersion([
      { number: major.number, letter: major.letter },
      { number: minor.number + 1, letter: '' },
    ]);
  }
  const head = [
    { number: major.number, letter: major.letter },
    { number: minor.number, letter: minor.letter },
  ];
  return makeVersion([...head, { number: patch ? patch.number + 1 : 1, letter: '' }]);
}

function toVersion(v: SessionVersion | string): SessionVersion {
  if (typeof v !== 'string') return v;
  const parsed = parseVersion(v);
  if (!parsed) throw new InvalidVersionError(v);
  return parsed;
}

function makeVersion(parts: VersionPart[]): SessionVersion {
  const version: SessionVersion = { text: '', parts };
  version.text = formatVersion(version);
  return version;
}

function compareLetters(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  // Shorter first, so '' < 'Z' < 'AA' (a spreadsheet-column order).
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : 1;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
