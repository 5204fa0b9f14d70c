/**
 * `no-library-names`: the planner names a library, framework or package version. Recognised by package
 * shape (`pkg@1.2`, `@scope/pkg`, `npm:pkg`) and by a curated list matched with care for English words.
 */

import { CAPITALIZED_LIBRARIES, COMMON_WORD_LIBRARIES, DISTINCTIVE_LIBRARIES, LIBRARY_CUES } from '../library-list.js';
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { backtickSpans, holdsAnyOf, isSentenceStart, lintableLines, nextWord, previousWord } from '../text.js';

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

/**
 * The first run of letters and digits of each name, lower-cased (`next.js` → `next`, `ruby on rails`
 * → `ruby`). A name can only match where the line has that run as a whole word: the pattern's
 * lookbehind and lookahead make the run maximal. So the tier's pattern is tried only there, sticky,
 * instead of at every offset of every line.
 */
function leadingWords(names: readonly string[]): ReadonlySet<string> {
  return new Set(names.map((n) => (/^[a-z0-9]+/i.exec(n)?.[0] ?? n).toLowerCase()));
}

/** A tier's pattern, sticky (tried only at candidate words), and the leading words of its names. */
function makeTier(tierName: Tier, names: readonly string[], caseInsensitive: boolean) {
  const re = tierPattern(names, caseInsensitive);
  return { tier: tierName, sticky: new RegExp(re.source, caseInsensitive ? 'iy' : 'y'), words: leadingWords(names) };
}

const TIERS = [
  makeTier('distinctive', DISTINCTIVE_LIBRARIES, true),
  makeTier('capitalized', CAPITALIZED_LIBRARIES, false),
  makeTier('common', COMMON_WORD_LIBRARIES, false),
] as const;

const ALL_NAMES = new Map(
  [...DISTINCTIVE_LIBRARIES, ...CAPITALIZED_LIBRARIES, ...COMMON_WORD_LIBRARIES].map((n) => [n.toLowerCase(), n]),
);

const BACKTICK_NAMES = new Map([...DISTINCTIVE_LIBRARIES, ...CAPITALIZED_LIBRARIES].map((n) => [n.toLowerCase(), n]));

/** Leading words of every tier, and the longest one (longer runs cannot be candidates). */
const ALL_WORDS: ReadonlySet<string> = new Set(TIERS.flatMap((t) => [...t.words]));
const LONGEST_WORD = Math.max(...[...ALL_WORDS].map((w) => w.length));

/**
 * Start and lower-cased text of each maximal run of ASCII letters and digits that begins a listed name.
 * Words are cut from `lower` when it has the line's offsets (lower-casing can change a line's length).
 */
function candidateRuns(text: string, lower: string): { start: number; word: string }[] {
  const runs: { start: number; word: string }[] = [];
  const aligned = lower.length === text.length;
  let start = -1;
  let hash = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    const upper = c >= 65 && c <= 90;
    if ((c >= 97 && c <= 122) || upper || (c >= 48 && c <= 57)) {
      if (start === -1) {
        start = i;
        hash = 0;
      }
      hash = nextHash(hash, upper ? c + 32 : c);
      continue;
    }
    // The hash of the lower-cased run passes over most words without cutting them out of the line.
    if (start !== -1 && i - start <= LONGEST_WORD && WORD_HASHES.has(hash)) {
      const word = aligned ? lower.slice(start, i) : text.slice(start, i).toLowerCase();
      if (ALL_WORDS.has(word)) runs.push({ start, word });
    }
    start = -1;
  }
  return runs;
}

/** One step of the word hash: `hash` of a word, extended by one (lower-case) character code. */
function nextHash(hash: number, code: number): number {
  return (Math.imul(hash, 31) + code) | 0;
}

/** Hashes of the leading words, as `candidateRuns` computes them. */
const WORD_HASHES: ReadonlySet<number> = new Set(
  [...ALL_WORDS].map((w) => [...w].reduce((h, ch) => nextHash(h, ch.charCodeAt(0)), 0)),
);

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

/**
 * Words that can follow "install" or "add" in English: determiners, pronouns, quantifiers, adjectives of
 * amount, mass nouns. A package is named by a bare name instead ("install helmet"); a plural is English
 * ("install updates").
 */
const NOT_A_PACKAGE = new Set(
  (
    'the a an any all every each some its their our your my his her this that these those it them what whatever ' +
    'new latest missing required needed optional extra additional other another more only just both one two ' +
    'and or from on in to for with at by as of when if before after then automatically locally globally ' +
    'software firmware hardware everything anything nothing something support access'
  ).split(' '),
);

/** A package name as registries spell it: lower case, with `-`, `.` or digits inside. */
const PACKAGE_NAME = '[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*';
/** Nouns that say the name before them is a package. */
const PACKAGE_NOUNS = String.raw`(?:npm\s+)?(?:packages?|librar(?:y|ies)|modules?|dependenc(?:y|ies)|middleware|plugins?|gems?|crates?|sdks?)`;
/** The same after "add", "use", "include", where "the payment module" or "the photo library" are features. */
const ADD_NOUNS = String.raw`(?:npm\s+)?(?:packages?|dependenc(?:y|ies)|middleware|gems?|crates?)`;

/**
 * Each step names the package in group `name`; `article` and `noun` tell how it was named. `needs`: words
 * of which a line must hold one before the pattern is tried.
 */
const INSTALL_STEPS: readonly { re: RegExp; needs: readonly string[] }[] = [
  // install helmet / install the dotenv package / bring in the slugify package
  {
    re: new RegExp(
      String.raw`\b(?:install|bring\s+in|pull\s+in|require)\s+(?<article>the\s+)?(?<name>${PACKAGE_NAME})(?<noun>\s+${PACKAGE_NOUNS}\b)?`,
      'gid',
    ),
    needs: ['install', 'bring in', 'pull in', 'require'],
  },
  // add the stripe package / use the uuid dependency
  {
    re: new RegExp(
      String.raw`\b(?:add|use|include)\s+(?:the\s+)?(?<name>${PACKAGE_NAME})(?<noun>\s+${ADD_NOUNS})\b`,
      'gid',
    ),
    needs: ['package', 'dependenc', 'middleware', 'gem', 'crate'],
  },
  // add multer as middleware / add bcrypt as a dependency
  {
    re: new RegExp(
      String.raw`\b(?:add|install|use|include)\s+(?<name>${PACKAGE_NAME})(?<noun>\s+as\s+(?:an?\s+)?(?:(?:dev|peer|runtime)\s+)?(?:dependency|middleware|plugin))\b`,
      'gid',
    ),
    needs: [' as '],
  },
  // a dependency on date-fns
  {
    re: new RegExp(String.raw`\bdependency\s+on\s+(?<name>${PACKAGE_NAME})(?<noun>)\b`, 'gid'),
    needs: ['dependenc'],
  },
];

/** Every install step's `needs`. */
const INSTALL_WORDS: ReadonlySet<string> = new Set(INSTALL_STEPS.flatMap((s) => s.needs));

function holdsAny(present: ReadonlySet<string>, words: readonly string[]): boolean {
  for (const w of words) if (present.has(w)) return true;
  return false;
}

/** Words that, right before the verb, still leave it an instruction ("then install cors"). */
const STEP_LEAD = /\b(?:then|first|next|also|finally)\s*,?\s*$/i;

/**
 * Install steps that name a package: the dependency verb as an instruction (at the start of a sentence
 * or after "then"/"first"), and a package named bare, by its registry spelling, or with a package noun.
 * "Users can install the app" has a subject; "install the app" names a thing, not a package;
 * "install updates" names a plural; "Install guide:" is a label.
 */
function findInstallSteps(text: string, present: ReadonlySet<string>): { index: number; name: string }[] {
  const found: { index: number; name: string }[] = [];
  for (const { re, needs } of INSTALL_STEPS) {
    if (!holdsAny(present, needs)) continue;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const name = m.groups?.name ?? '';
      const nameAt = m.indices?.groups?.name?.[0] ?? m.index;
      const withNoun = (m.groups?.noun ?? '') !== '' || re !== INSTALL_STEPS[0]?.re;
      if (NOT_A_PACKAGE.has(name.toLowerCase()) || /[A-Z]/.test(name)) continue;
      if (!withNoun) {
        const imperative =
          isSentenceStart(text, m.index) || STEP_LEAD.test(text.slice(Math.max(0, m.index - 40), m.index));
        if (!imperative || m.groups?.article) continue;
        // A bare plural is English ("install updates"), unless spelled as a registry name.
        if (/[^s]s$/.test(name) && !/[.-]/.test(name)) continue;
        if (/^\s*:/.test(text.slice(nameAt + name.length))) continue;
      }
      found.push({ index: nameAt, name });
    }
  }
  return found;
}

/** A reported name: where it starts, how many characters it covers, and what was named. */
interface LibraryHit {
  index: number;
  length: number;
  name: string;
}

/** Adds a hit unless one already reported covers any of its characters: a name is reported once, by the first shape that finds it. */
function addHit(found: LibraryHit[], index: number, length: number, name: string): void {
  const end = index + length;
  for (const f of found) if (f.length > 0 && f.index < end && index < f.index + f.length) return;
  found.push({ index, length, name });
}

/** Adds every match of a global shape pattern. */
function addMatches(found: LibraryHit[], re: RegExp, text: string): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) addHit(found, m.index, m[0].length, m[0]);
}

/** Every library mention in one (masked) line: offset and what was named. */
function findLibraryNames(text: string, lower: string, vocabulary: ReadonlySet<string>): LibraryHit[] {
  const found: LibraryHit[] = [];
  // Each shape needs a character the line may not have: skip the scan when it is absent.
  if (text.includes('@')) {
    addMatches(found, VERSION_SPEC, text);
    addMatches(found, SCOPED_PACKAGE, text);
  }
  if (text.includes('npm:')) addMatches(found, NPM_PREFIX, text);
  if (text.includes('`')) {
    for (const span of backtickSpans(text)) {
      // `lodash`, `react` in backticks are code; `Next` or `Express` in backticks may be a button label.
      const name = BACKTICK_NAMES.get(span.content.trim().toLowerCase());
      if (name) addHit(found, span.contentStart, span.content.length, name);
    }
  }
  const runs = candidateRuns(text, lower);
  if (runs.length > 0) {
    for (const { tier, sticky, words } of TIERS) {
      // Matches of a global scan never overlap: a candidate inside the previous match is skipped.
      let scannedTo = 0;
      for (const run of runs) {
        if (run.start < scannedTo || !words.has(run.word)) continue;
        sticky.lastIndex = run.start;
        const m = sticky.exec(text);
        if (!m) continue;
        const start = m.index;
        const end = start + m[0].length;
        scannedTo = end;
        const cue = hasCue(text, start, end);
        if (tier === 'capitalized' && isSentenceStart(text, start) && !cue) continue;
        if (tier === 'common' && (!cue || isSentenceStart(text, start) || afterProperName(text, start))) continue;
        addHit(found, start, m[0].length, canonicalName(m[0]));
      }
    }
  }
  if (holdsAnyOf(vocabulary, INSTALL_WORDS)) {
    for (const step of findInstallSteps(text, vocabulary)) addHit(found, step.index, step.name.length, step.name);
  }
  return found.length > 1 ? found.sort((a, b) => a.index - b.index) : found;
}

/** Reports named libraries, frameworks, package scopes and version specs. */
function checkLibraryNames(view: LintView): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const line of lintableLines(view)) {
    for (const hit of findLibraryNames(line.scan, line.lower, line.vocabulary)) {
      findings.push({
        line: line.number,
        column: hit.index + 1,
        message: `Names a library, framework or package version: ${hit.name}.`,
      });
    }
  }
  return findings;
}

/** `no-library-names`: libraries, frameworks, package versions (`pkg@1.2`, `@scope/pkg`). */
export const noLibraryNames = defineLintRule({
  id: 'no-library-names',
  defaultSeverity: 'warning',
  summary: 'libraries, frameworks, package versions (`pkg@1.2`, `@scope/pkg`), install steps that name a package',
  description:
    'Names a library, framework or package version: a `pkg@1.2` spec, a scoped `@scope/pkg` or `npm:pkg` name, a well-known library (React, Express, Prisma, lodash, zod, Django, ...), or a package named by an install step ("install helmet", "add the stripe package", "add multer as middleware"). Names that are also English words count only where they cannot be English (see the notes below).',
  hint: 'State the capability needed (validation, routing, charts); the executor chooses the libraries.',
  examples: {
    context: 'requirements',
    bad: [
      '- Validate input with zod@3.22',
      '- Build the settings page with React',
      '- Add an Express server for the API',
      '- Cache results with @tanstack/query-core',
      '- Then install sharp to resize the images',
      '- Add the stripe package for payments',
    ],
    good: [
      '- React to a failed export by showing why',
      '- Express the total as a percentage',
      '- Customers can choose Express checkout',
      '- Send questions to support@example.com',
      '- Version 2 of the report lists every session',
      '- Users can install the app from the store',
      '- Install updates automatically overnight',
      '- Add the payment module to the admin area',
    ],
  },
  notes: [
    '**Shapes** always count: `name@1.2`, `name@^4`, `name@latest`, `@scope/name`, `npm:name`. E-mail addresses (`support@example.com`) do not: the part after `@` must be a version.',
    '**Distinctive names** (lodash, zod, Prisma, Django, jQuery, webpack, Vitest, TypeORM, NumPy, FastAPI, Next.js, Express.js, ...) count anywhere, in any casing.',
    '**Names that are English words but read as the library when capitalized** (React, Angular, Vue, Svelte, Flask, Jest, Bootstrap, Pandas, Playwright, Tailwind, Mongoose, Prettier, Storybook, Flutter, Inquirer) count when written capitalized in the middle of a sentence ("with React"). At the start of a sentence they count only next to a cue word ("React components"), so "React to a failed export" is English.',
    '**Everyday words** (Express, Rails, Spring, Mocha, Chai, Cypress, Electron, Remix, Drizzle, Koa, Hapi, Next, Gatsby, Celery, Selenium, Babel, Apollo, Recoil, Rollup, Sinatra) count only in a library form (`Express.js`, `Ruby on Rails`, `Spring Boot`, `Drizzle ORM`), or in the middle of a sentence right beside a cue word (server, app, middleware, tests, ORM, plugin, component, ...) and not as the second word of a proper name. So "Express the result as a percentage", "Express checkout" and "the American Express app" are English, "an Express server" is not. The cost: "use Express for the API" is not reported. Brand names that collide with well-known apps (Passport, Nest, Phoenix, Ember, Meteor, Turbo) are not listed; their library spellings (`NestJS`, `Ember.js`) are.',
    'A distinctive or capitalized-tier name in backticks counts (`react`, `lodash`); an everyday word in backticks (`Next`, `Express`) is as often a button label and does not.',
    '**Install steps**: "install", "bring in", "pull in" or "require" given as an instruction (at the start of a sentence or after "then", "first", "next") with a package named bare (`install helmet`, `then install cookie-parser`) or with a package noun (`install the dotenv package`, `bring in the slugify library`); "add", "use" or "include" with a package noun (`add the stripe package`) or "as a dependency/middleware/plugin" (`add multer as middleware`); "a dependency on date-fns". Not packages: a name after an article with no package noun ("install the app"), a plural ("install updates", so the package `cors` is missed), words such as "new", "extra", "software", a subject before the verb ("users can install the app"), and "the payment module" or "the photo library", which are features.',
    'Programming languages, runtimes and databases (TypeScript, Node.js, PostgreSQL, SQLite) are not reported: they are often requirements of the product, not choices of the executor.',
  ],
  vocabulary: INSTALL_STEPS.flatMap((s) => s.needs),
  check: checkLibraryNames,
});
