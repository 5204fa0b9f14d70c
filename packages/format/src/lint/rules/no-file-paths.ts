/**
 * `no-file-paths`: the planner names files or directories. Recognised by path shape (`src/foo/bar.ts`,
 * `./x`, `/etc/hosts`, `config.yaml`, `Dockerfile`), not by a slash alone: `and/or`, `input/output`,
 * `24/7`, dates and URLs are not paths.
 */

import { CAPITALIZED_LIBRARIES, COMMON_WORD_LIBRARIES, DISTINCTIVE_LIBRARIES } from '../library-list.js';
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { type BacktickSpan, backtickSpans, escapeRegExp, lintableLines } from '../text.js';

/** Extensions of source, build and configuration files (single letters need a base of 2+ characters). */
const CODE_EXTENSIONS = new Set([
  'ts',
  'tsx',
  'mts',
  'cts',
  'js',
  'jsx',
  'mjs',
  'cjs',
  'json',
  'jsonc',
  'json5',
  'py',
  'pyi',
  'rb',
  'go',
  'rs',
  'java',
  'kt',
  'kts',
  'c',
  'h',
  'cc',
  'cpp',
  'hpp',
  'cs',
  'php',
  'swift',
  'scala',
  'sh',
  'bash',
  'zsh',
  'ps1',
  'yml',
  'yaml',
  'toml',
  'ini',
  'cfg',
  'conf',
  'env',
  'sql',
  'html',
  'htm',
  'css',
  'scss',
  'sass',
  'vue',
  'svelte',
  'xml',
  'gradle',
  'tf',
  'lock',
  'proto',
  'graphql',
  'gql',
  'prisma',
  'dart',
  'lua',
  'ipynb',
  'sqlite',
  'db',
]);

/** Build files that have no extension. */
const SPECIAL_FILES = new Set([
  'Dockerfile',
  'Makefile',
  'Gemfile',
  'Procfile',
  'Jenkinsfile',
  'Vagrantfile',
  'Rakefile',
  'Containerfile',
  'go.mod',
  'go.sum',
  'requirements.txt',
  'CMakeLists.txt',
]);

/** Configuration dotfiles; other `.name` tokens are file formats (".csv", ".zip"), which are outcomes. */
const DOTFILE =
  /^\.(?:env(?:\.[\w-]+)?|gitignore|gitattributes|npmrc|nvmrc|eslintrc(?:\.\w+)?|prettierrc(?:\.\w+)?|editorconfig|dockerignore|babelrc|github|vscode|husky)$/;

/** Top directories of a filesystem: `/etc/...`, `/usr/...`. */
const FILESYSTEM_ROOTS = new Set([
  'etc',
  'usr',
  'var',
  'tmp',
  'home',
  'opt',
  'bin',
  'sbin',
  'dev',
  'proc',
  'srv',
  'root',
  'mnt',
  'lib',
  'Users',
  'Applications',
  'Library',
  'Volumes',
]);

/** Project directories that are not English words: `src/x`, `lib/x`, `node_modules/x`. */
const PROJECT_DIRS = new Set([
  'src',
  'lib',
  'dist',
  'node_modules',
  'packages',
  'pkg',
  'cmd',
  'internal',
  '.github',
  '.vscode',
  '__tests__',
  '__mocks__',
  '.ci',
  '.changeset',
]);

/** `Node.js`, `Vue.js`, `Chart.js` are names of things, not files. */
const NAMED_JS = new Set(
  [...DISTINCTIVE_LIBRARIES, ...CAPITALIZED_LIBRARIES, ...COMMON_WORD_LIBRARIES, 'Node', 'Deno', 'Alpine', 'P5']
    .map((n) => n.toLowerCase().replace(/\.js$/, ''))
    .map((n) => `${n}.js`),
);

const TOKEN = /[^\s"'`()<>[\]{},;]+/g;
const TRAILING_PUNCTUATION = /[.:!?]$/;
/** Build files with neither `/` nor `.` in their name. */
const BARE_SPECIAL_FILES = [...SPECIAL_FILES].filter((f) => !f.includes('.') && !f.includes('/'));

function hasExtension(name: string, extensions?: ReadonlySet<string>): boolean {
  const m = /^([\w.@+-]*[\w-])\.([a-z][a-z0-9]{0,5})$/.exec(name);
  if (!m) return false;
  const [, base = '', ext = ''] = m;
  if (ext.length === 1 && base.length < 2) return false;
  return extensions ? extensions.has(ext) : true;
}

/** Whether one whitespace-delimited token (trailing punctuation removed) is a file or directory path. */
function isPathToken(token: string, backticked = false): boolean {
  if (token.includes('://') || token.startsWith('www.') || token.startsWith('@')) return false;
  if (/^[\w.+-]+@[\w-]+\.[\w.]+$/.test(token)) return false; // an e-mail address
  if (SPECIAL_FILES.has(token)) return true;
  if (!token.includes('/')) {
    if (NAMED_JS.has(token.toLowerCase())) return false;
    if (DOTFILE.test(token)) return true; // .env, .gitignore (but not a format such as .csv)
    return hasExtension(token, CODE_EXTENSIONS);
  }
  const segments = token.split('/');
  if (segments.every((s) => /^\d*$/.test(s))) return false; // 24/7, 1/2, 11/26/2026
  if (/^(\.{1,2}|~)\//.test(token)) return segments.length > 1 && (segments[1] ?? '') !== '';
  const last = segments[segments.length - 1] ?? '';
  if (token.startsWith('/')) {
    const first = segments[1] ?? '';
    return (FILESYSTEM_ROOTS.has(first) && segments.length > 2) || hasExtension(last, CODE_EXTENSIONS);
  }
  if (!segments.every((s, i) => /^[\w.@+-]+$/.test(s) || (i === segments.length - 1 && s === ''))) return false;
  if (hasExtension(last)) return true;
  const first = segments[0] ?? '';
  if (PROJECT_DIRS.has(first) && last !== '') return true;
  if (last === '' && (segments.length > 2 || PROJECT_DIRS.has(first))) return true; // src/, src/components/
  // In backticks a slash between identifiers is a path (`app/models`); in prose it is "read/write".
  return backticked && segments.length >= 2 && segments.every((s) => /^[\w.-]*$/.test(s));
}

/** Any build file without `/` or `.` in its name, where it occurs in a line. */
const BARE_SPECIAL_FILE = new RegExp(BARE_SPECIAL_FILES.map(escapeRegExp).join('|'));
/** The ending those names share (`file`): a line without it holds none of them, and skips the pattern. */
const BARE_SPECIAL_ENDING = BARE_SPECIAL_FILES.reduce((end, f) => {
  let n = 0;
  while (n < end.length && n < f.length && end[end.length - 1 - n] === f[f.length - 1 - n]) n++;
  return end.slice(end.length - n);
}, BARE_SPECIAL_FILES[0] ?? '');

/** A character that ends a token (see `TOKEN`), for the ASCII range; other characters are asked of `TOKEN_END`. */
const TOKEN_END = /[\s"'`()<>[\]{},;]/;
const ASCII_TOKEN_END = Array.from({ length: 128 }, (_, c) => TOKEN_END.test(String.fromCharCode(c)));
/** The rest of a token from a given offset. */
const TOKEN_AT = new RegExp(TOKEN.source, 'y');
const DOT_OR_SLASH = /[./]/g;

function endsToken(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c < 128 ? (ASCII_TOKEN_END[c] ?? false) : TOKEN_END.test(text.charAt(i));
}

/** Every path in one (masked) line. */
function findPaths(text: string): { index: number; path: string }[] {
  const found: { index: number; path: string }[] = [];
  const bareFile = text.includes(BARE_SPECIAL_ENDING) && BARE_SPECIAL_FILE.test(text);
  // A line with neither `/` nor `.` can only name a build file without an extension (`Dockerfile`).
  if (!bareFile && !text.includes('/') && !text.includes('.')) return found;
  const inBackticks = text.includes('`') ? backtickSpans(text) : [];
  if (bareFile) {
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) checkToken(m[0], m.index, inBackticks, found);
    return found;
  }
  // Without a bare build file, only a token holding `/` or `.` can be a path: visit just those.
  DOT_OR_SLASH.lastIndex = 0;
  for (let m = DOT_OR_SLASH.exec(text); m; m = DOT_OR_SLASH.exec(text)) {
    let start = m.index;
    while (start > 0 && !endsToken(text, start - 1)) start--;
    TOKEN_AT.lastIndex = m.index;
    const end = m.index + (TOKEN_AT.exec(text)?.[0].length ?? 1);
    checkToken(text.slice(start, end), start, inBackticks, found);
    DOT_OR_SLASH.lastIndex = end;
  }
  return found;
}

/** Adds the token at `index` to `found` when it is a path. */
function checkToken(
  raw: string,
  index: number,
  inBackticks: readonly BacktickSpan[],
  found: { index: number; path: string }[],
): void {
  const token = TRAILING_PUNCTUATION.test(raw) ? raw.replace(/[.:!?]+$/, '') : raw;
  if (token === '') return;
  // A word with neither `/` nor `.` is a path only as a listed build file: most words stop here.
  if (!token.includes('/') && !token.includes('.')) {
    if (SPECIAL_FILES.has(token)) found.push({ index, path: token });
    return;
  }
  let backticked = false;
  for (const s of inBackticks)
    if (index >= s.contentStart && index < s.contentStart + s.content.length) backticked = true;
  if (isPathToken(token, backticked)) found.push({ index, path: token });
}

/** Reports file and directory paths. */
function checkFilePaths(view: LintView): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const line of lintableLines(view)) {
    for (const hit of findPaths(line.scan)) {
      findings.push({ line: line.number, column: hit.index + 1, message: `Names a file or directory: ${hit.path}.` });
    }
  }
  return findings;
}

/** `no-file-paths`: file and directory paths. */
export const noFilePaths = defineLintRule({
  id: 'no-file-paths',
  defaultSeverity: 'warning',
  summary: 'file and directory paths',
  description:
    'Names a file or directory: a path with a directory part (`src/export/csv.ts`, `./config`, `/etc/hosts`) or a file name with a code or configuration extension (`index.ts`, `config.yaml`, `Dockerfile`). Word pairs (`and/or`, `input/output`), `24/7`, dates, fractions and URLs are not paths.',
  hint: 'Describe what must exist or happen; the executor decides where files go.',
  examples: {
    context: 'requirements',
    bad: [
      '- Put the logic in src/export/csv.ts',
      '- Read settings from ./settings',
      '- Write logs under /var/log/app',
      '- Keep defaults in config.yaml',
    ],
    good: [
      '- Users can choose read/write access and/or sharing',
      '- The service is available 24/7',
      '- Reports are due on 11/26/2026',
      '- The help page at https://example.com/help/export explains each column',
      '- Input/output errors are shown to the user',
    ],
  },
  notes: [
    'A path needs a directory part **and** a path shape: `./x`, `../x`, `~/x`; an absolute path under a filesystem root (`/etc`, `/usr`, `/var`, `/tmp`, `/home`, ...) or ending in a code extension; a relative path ending in a file extension (`src/a.ts`, `docs/guide.md`), starting with a project directory (`src/`, `lib/`, `packages/`, `node_modules/`, `.github/`), or ending in `/`.',
    'Without a directory: a file name with a code or configuration extension (`index.ts`, `config.yaml`, `package.json`, `.env`) or a known build file (`Dockerfile`, `Makefile`, `go.mod`, `requirements.txt`). Document names (`README.md`, `report.csv`) are not code and are not reported on their own.',
    "Not paths: word pairs (`and/or`, `input/output`, `read/write`, `client/server`, `I/O`), numbers (`24/7`, `1/2`, dates such as `11/26/2026`), **URLs** (a URL a user visits is an outcome the planner may name) and URL routes such as `/login` or `/api/users` (part of the product's visible interface), e-mail addresses, and names such as `Node.js` or `Vue.js`.",
    'In backticks, any slash between identifiers is a path (`app/models`).',
  ],
  check: checkFilePaths,
});
