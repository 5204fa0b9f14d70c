/**
 * `no-library-names`: the planner names a library, framework or package version. Recognised by package
 * shape (`pkg@1.2`, `@scope/pkg`, `npm:pkg`) and by a curated list matched with care for English words.
 */
import { backtickSpans, isSentenceStart, lintableLines, nextWord, previousWord } from '../text.js';
import type { LintDocument, LintFinding } from '../types.js';
import { CAPITALIZED_LIBRARIES, COMMON_WORD_LIBRARIES, DISTINCTIVE_LIBRARIES, LIBRARY_CUES } from './library-list.js';

/** `react@18`, `zod@^4.1`, `@types/node@22.1.0`, `next@latest`. */
const VERSION_SPEC =
  /(?<![\w@./-])(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*@(?:[\^~]|>=?)?(?:\d+(?:\.(?:\d+|x|\*))*(?:-[\w.]+)?|latest|next|beta|canary)(?![\w@.]*\w)/g;
/** `@scope/pkg`. */
const SCOPED_PACKAGE = /(?<![\w@./-])@[a-z0-9][\w.-]*\/[a-z0-9][\w.-]*\w/g;
/** `npm:pkg`. */
const NPM_PREFIX = /(?<![\w.-])npm:[@a-z0-9][\w./-]*\w/g;

type Tier = 'distinctive' | 'capitalized' | 'common';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One regular expression per tier (a single pass over the line, however long the list). Whole words
 * only; longer names first, so `React Native` wins over `React`.
 */
function tierPattern(names: readonly string[], caseInsensitive: boolean): RegExp {
  const alternatives = [...names]
    .sort((a, b) => b.length - a.length)
    .map((n) => escapeRegExp(n).replace(/ /g, '\\s+'))
    .join('|');
  return new RegExp(`(?<![\\w@/.-])(?:${alternatives})(?![\\w-]|\\.\\w)`, caseInsensitive ? 'gi' : 'g');
}

const TIERS: readonly { tier: Tier; re: RegExp }[] = [
  { tier: 'distinctive', re: tierPattern(DISTINCTIVE_LIBRARIES, true) },
  { tier: 'capitalized', re: tierPattern(CAPITALIZED_LIBRARIES, false) },
  { tier: 'common', re: tierPattern(COMMON_WORD_LIBRARIES, false) },
];

const ALL_NAMES = new Map(
  [...DISTINCTIVE_LIBRARIES, ...CAPITALIZED_LIBRARIES, ...COMMON_WORD_LIBRARIES].map((n) => [n.toLowerCase(), n]),
);

const BACKTICK_NAMES = new Map([...DISTINCTIVE_LIBRARIES, ...CAPITALIZED_LIBRARIES].map((n) => [n.toLowerCase(), n]));

/** The listed spelling of a matched name (`LODASH` → `lodash`, `Ruby  on Rails` → `Ruby on Rails`). */
function canonicalName(matched: string): string {
  const key = matched.replace(/\s+/g, ' ').toLowerCase();
  return ALL_NAMES.get(key) ?? matched;
}

function hasCue(text: string, start: number, end: number): boolean {
  const next = nextWord(text, end).toLowerCase();
  const previous = previousWord(text, start).toLowerCase();
  return LIBRARY_CUES.has(next) || LIBRARY_CUES.has(previous) || /^v\d/.test(next);
}

/** Whether the word before `start` is a capitalized word inside the sentence ("American Express"). */
function afterProperName(text: string, start: number): boolean {
  const previous = previousWord(text, start);
  if (!/^[A-Z]/.test(previous)) return false;
  const at = text.lastIndexOf(previous, start);
  return at >= 0 && !isSentenceStart(text, at);
}

/** Every library mention in one (masked) line: offset and what was named. */
export function findLibraryNames(text: string): { index: number; name: string }[] {
  const found: { index: number; name: string }[] = [];
  // Characters already part of a reported name: a name is reported once, by the first shape that finds it.
  const taken = new Uint8Array(text.length);
  const add = (index: number, length: number, name: string) => {
    if (taken.subarray(index, index + length).includes(1)) return;
    taken.fill(1, index, index + length);
    found.push({ index, name });
  };
  for (const re of [VERSION_SPEC, SCOPED_PACKAGE, NPM_PREFIX]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) add(m.index, m[0].length, m[0]);
  }
  for (const span of backtickSpans(text)) {
    // `lodash`, `react` in backticks are code; `Next` or `Express` in backticks may be a button label.
    const name = BACKTICK_NAMES.get(span.content.trim().toLowerCase());
    if (name) add(span.contentStart, span.content.length, name);
  }
  for (const { tier, re } of TIERS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      const cue = hasCue(text, start, end);
      if (tier === 'capitalized' && isSentenceStart(text, start) && !cue) continue;
      if (tier === 'common' && (!cue || isSentenceStart(text, start) || afterProperName(text, start))) continue;
      add(start, m[0].length, canonicalName(m[0]));
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** Reports named libraries, frameworks, package scopes and version specs. */
export function checkLibraryNames(doc: LintDocument): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const line of lintableLines(doc)) {
    for (const hit of findLibraryNames(line.scan)) {
      findings.push({
        line: line.number,
        column: hit.index + 1,
        message: `Names a library, framework or package version: ${hit.name}.`,
      });
    }
  }
  return findings;
}
