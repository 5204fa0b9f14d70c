/** Section titles: canonical keys, the aliases lenient mode accepts, and the canonical order. */

/** Canonical keys of the sections the data model knows. */
export type KnownSection =
  | 'OBJECTIVES'
  | 'REQUIREMENTS'
  | 'FOUNDATION UPDATE'
  | 'VALIDATION'
  | 'SUCCESS CRITERIA'
  | 'NOT INCLUDED'
  | 'COMPLEXITY'
  | 'COMMIT';

/** The four sections every instruction must have. */
export const REQUIRED_SECTIONS: readonly KnownSection[] = [
  'OBJECTIVES',
  'REQUIREMENTS',
  'FOUNDATION UPDATE',
  'VALIDATION',
];

/** Title spellings (upper-cased, single-spaced) and the section they mean. Canonical spellings map to themselves. */
export const INSTRUCTION_SECTION_ALIASES: ReadonlyMap<string, KnownSection> = new Map<string, KnownSection>([
  ['OBJECTIVES', 'OBJECTIVES'],
  ['OBJECTIVE', 'OBJECTIVES'],
  ['GOALS', 'OBJECTIVES'],
  ['GOAL', 'OBJECTIVES'],
  ['REQUIREMENTS', 'REQUIREMENTS'],
  ['REQUIREMENT', 'REQUIREMENTS'],
  ['FOUNDATION UPDATE', 'FOUNDATION UPDATE'],
  ['FOUNDATION UPDATES', 'FOUNDATION UPDATE'],
  ['VALIDATION', 'VALIDATION'],
  ['SUCCESS CRITERIA', 'SUCCESS CRITERIA'],
  ['SUCCESS', 'SUCCESS CRITERIA'],
  ['NOT INCLUDED', 'NOT INCLUDED'],
  ['COMPLEXITY', 'COMPLEXITY'],
  ['COMMIT', 'COMMIT'],
  ['COMMIT MESSAGE', 'COMMIT'],
]);

/**
 * Rank of a section in the canonical order: OBJECTIVES, REQUIREMENTS, FOUNDATION UPDATE, VALIDATION,
 * SUCCESS CRITERIA, NOT INCLUDED, extra sections (in their own order), COMPLEXITY, COMMIT.
 */
export function canonicalRank(key: string): number {
  switch (key) {
    case 'OBJECTIVES':
      return 1;
    case 'REQUIREMENTS':
      return 2;
    case 'FOUNDATION UPDATE':
      return 3;
    case 'VALIDATION':
      return 4;
    case 'SUCCESS CRITERIA':
      return 5;
    case 'NOT INCLUDED':
      return 6;
    case 'COMPLEXITY':
      return 8;
    case 'COMMIT':
      return 9;
    default:
      return 7;
  }
}

/** The canonical section order as text, for hints. */
export const CANONICAL_ORDER_TEXT =
  'OBJECTIVES, REQUIREMENTS, FOUNDATION UPDATE, VALIDATION, SUCCESS CRITERIA, NOT INCLUDED, other sections, COMPLEXITY, COMMIT';

const MAX_TITLE_LENGTH = 40;

/**
 * Whether `title` is an extra-section title: starts with A–Z, then A–Z, 0–9, space, `&`, `/`, `_`, `-`,
 * at most 40 characters, no lower-case letters, and at least two letters.
 */
export function isUpperTitle(title: string): boolean {
  if (title.length < 2 || title.length > MAX_TITLE_LENGTH) return false;
  const first = title.charCodeAt(0);
  if (first < 65 || first > 90) return false;
  let letters = 0;
  for (let i = 0; i < title.length; i++) {
    const c = title.charCodeAt(i);
    if (c >= 65 && c <= 90) letters++;
    else if (!((c >= 48 && c <= 57) || c === 32 || c === 38 || c === 47 || c === 95 || c === 45)) return false;
  }
  return letters >= 2 && title.charCodeAt(title.length - 1) !== 32;
}

/** Upper-cases and single-spaces a title, for alias lookup. */
export function normalizeTitle(title: string): string {
  return title
    .trim()
    .replace(/[ \t]+/g, ' ')
    .toUpperCase();
}

/**
 * An extra-section title from free heading text (`## Step 1: Notes (draft)`): upper-cased, characters outside
 * the title alphabet turned into spaces, leading non-letters dropped, spaces collapsed. `undefined` when what is
 * left is not a title (see {@link isUpperTitle}).
 */
export function normalizeExtraTitle(text: string): string | undefined {
  const t = text
    .toUpperCase()
    .replace(/[^A-Z0-9 &/_-]+/g, ' ')
    .replace(/^[^A-Z]+/, '')
    .replace(/ +/g, ' ')
    .trim();
  return isUpperTitle(t) ? t : undefined;
}
