/**
 * `no-shell-commands`: command invocations, recognised by shape (a command word followed by flags,
 * paths, pipes or a known subcommand), never by English verbs such as "run", "make" or "find".
 */
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { backtickSpans, holdsAnyOf, lintableLines } from '../text.js';

/** Tools whose names are not English words, each with the subcommands that make a line a command. */
const TOOL_SUBCOMMANDS: Record<string, readonly string[]> = {
  npm: [
    'install',
    'i',
    'ci',
    'add',
    'remove',
    'uninstall',
    'run',
    'test',
    'exec',
    'publish',
    'init',
    'create',
    'link',
    'update',
    'audit',
    'pack',
    'version',
    'start',
  ],
  pnpm: ['install', 'i', 'add', 'remove', 'run', 'test', 'exec', 'dlx', 'create', 'build', 'start', 'update'],
  yarn: ['install', 'add', 'remove', 'run', 'test', 'dlx', 'create', 'build', 'start', 'workspace', 'upgrade'],
  pip: ['install', 'uninstall', 'freeze', 'download'],
  pip3: ['install', 'uninstall', 'freeze', 'download'],
  pipx: ['install', 'run'],
  poetry: ['add', 'install', 'run', 'new', 'update', 'remove'],
  cargo: ['build', 'run', 'test', 'add', 'install', 'new', 'publish', 'check', 'clippy', 'fmt'],
  git: [
    'clone',
    'checkout',
    'commit',
    'push',
    'pull',
    'add',
    'rebase',
    'merge',
    'reset',
    'stash',
    'branch',
    'switch',
    'init',
    'fetch',
    'log',
    'diff',
    'tag',
    'cherry-pick',
    'remote',
    'status',
    'worktree',
    'restore',
    'rm',
    'mv',
    'config',
    'bisect',
    'revert',
    'show',
  ],
  docker: [
    'run',
    'build',
    'compose',
    'exec',
    'push',
    'pull',
    'ps',
    'images',
    'stop',
    'rm',
    'start',
    'logs',
    'tag',
    'login',
    'network',
    'volume',
    'system',
    'import',
  ],
  'docker-compose': ['up', 'down', 'build', 'run', 'exec', 'logs', 'ps'],
  kubectl: ['apply', 'get', 'delete', 'describe', 'logs', 'exec', 'create', 'rollout', 'port-forward', 'scale'],
  helm: ['install', 'upgrade', 'repo', 'template', 'uninstall'],
  terraform: ['init', 'plan', 'apply', 'destroy', 'import'],
  'apt-get': ['install', 'update', 'upgrade', 'remove'],
  brew: ['install', 'update', 'upgrade', 'services', 'tap'],
  composer: ['install', 'require', 'update'],
  dotnet: ['build', 'run', 'test', 'add', 'new', 'publish', 'restore'],
  deno: ['run', 'test', 'task', 'install', 'compile'],
  bun: ['install', 'add', 'run', 'test', 'x', 'build'],
  nvm: ['install', 'use'],
};

/** Tools that are a command whatever follows them (`npx x`, `sudo x`). */
const ALWAYS_COMMAND = ['npx', 'sudo', 'bunx'];

/** Command words that count at the start of a line when followed by flags, paths or operators. */
const LINE_START_COMMANDS = new Set([
  ...Object.keys(TOOL_SUBCOMMANDS),
  ...ALWAYS_COMMAND,
  'apt',
  'gem',
  'bundle',
  'go',
  'make',
  'cmake',
  'mvn',
  'gradle',
  'node',
  'python',
  'python3',
  'ruby',
  'php',
  'java',
  'javac',
  'gcc',
  'clang',
  'tsc',
  'tsx',
  'vitest',
  'jest',
  'pytest',
  'eslint',
  'prettier',
  'biome',
  'curl',
  'wget',
  'chmod',
  'chown',
  'chgrp',
  'mkdir',
  'rmdir',
  'grep',
  'egrep',
  'rg',
  'sed',
  'awk',
  'tar',
  'unzip',
  'gzip',
  'zip',
  'ssh',
  'scp',
  'rsync',
  'psql',
  'mysql',
  'sqlite3',
  'mongosh',
  'redis-cli',
  'systemctl',
  'journalctl',
  'ls',
  'cd',
  'rm',
  'mv',
  'cp',
  'cat',
  'echo',
  'printf',
  'touch',
  'find',
  'sort',
  'head',
  'tail',
  'export',
  'source',
  'kill',
  'pkill',
  'killall',
  'ps',
  'ln',
  'env',
  'xargs',
  'tee',
  'wc',
  'uniq',
  'jq',
  'openssl',
  'aws',
  'gcloud',
  'az',
  'heroku',
  'vercel',
  'netlify',
  'firebase',
  'flyctl',
  'corepack',
  'bash',
  'sh',
  'zsh',
  'chmod',
  'diff',
  'patch',
]);

/** Text-processing commands that make `| cmd` a pipeline. */
const PIPE_TARGETS = 'grep|egrep|rg|sed|awk|sort|uniq|head|tail|xargs|wc|tee|jq|cut|tr|less|more|bash|sh';

const TOOL_NAMES = Object.keys(TOOL_SUBCOMMANDS)
  .map((t) => t.replace(/-/g, '\\-'))
  .join('|');
const SUBCOMMAND_RE = new RegExp(`(?<![\\w.@/-])(${TOOL_NAMES})\\s+([a-z][\\w-]*)(?![\\w-])`, 'g');
const ALWAYS_RE = new RegExp(`(?<![\\w.@/-])(${ALWAYS_COMMAND.join('|')})\\s+[@a-z./-]`, 'g');
const CURL_RE = /(?<![\w.@/-])(curl|wget)\s+(-{1,2}[a-zA-Z]|https?:\/\/|'https?:|"https?:)/g;
const PIPE_RE = new RegExp(`\\S\\s*\\|\\s*(${PIPE_TARGETS})(?![\\w-])`, 'g');
/** An argument that only a shell would write: a flag, a path, an operator, a variable, a glob. */
const SHELL_ARGUMENT =
  /^(-{1,2}[A-Za-z0-9][\w-]*(=\S*)?|\.{1,2}(\/\S*)?|~\/?\S*|\/\S+|[\w.-]+\/[\w.-]+\/\S*|[\w-]+\/[\w-]*\.[a-z0-9]{1,5}|[\w-]+\.[a-z0-9]{1,5}|>>?|<|\||\|\||&&|;|\$\{?\w+\}?\S*|\S*\w\*\S*|\*\.\w+|2>&1|&)$/;

/** Arguments no sentence has: flags, operators, variables (`rm -rf dist, then rebuild` is still a command). */
const STRONG_ARGUMENT = /^(-{1,2}[A-Za-z][\w-]*(=\S*)?|>>?|\||\|\||&&|2>&1|\$\{?\w+\}?\S*)$/;

/** The first word of a line (`[a-z][\w-]*`), or a `$` prompt. */
const LEADING_WORD = /^\s*(?:(\$)|([a-z][\w-]*))/;

/** Whether a text starts with a lowercase command word (used to keep command lines out of "prose"). */
export function startsWithCommand(text: string): boolean {
  const first = /^\s*(?:\$\s+)?([a-z][\w-]*)/.exec(text)?.[1];
  return first !== undefined && LINE_START_COMMANDS.has(first);
}

/** The first shell command in `text` (already masked: no list marker), with its offset. */
function findShellCommand(
  text: string,
  vocabulary: ReadonlySet<string>,
): { index: number; command: string } | undefined {
  const lineStart = lineStartCommand(text);
  if (lineStart) return lineStart;
  // Each of these patterns starts with a tool name: without one in the line (the rule's vocabulary,
  // found by the runner), none can match.
  if (holdsAnyOf(vocabulary, SCANNED_TOOLS)) {
    const found = scanToolCommands(text);
    if (found) return found;
  }
  if (text.includes('|') && !text.trimStart().startsWith('|')) {
    PIPE_RE.lastIndex = 0;
    const m = PIPE_RE.exec(text);
    if (m) {
      const bar = text.indexOf('|', m.index);
      return { index: bar, command: commandText(text, bar) };
    }
  }
  if (!text.includes('`')) return undefined;
  for (const span of backtickSpans(text)) {
    const words = span.content.trim().split(/\s+/);
    const first = words[0] ?? '';
    if (!LINE_START_COMMANDS.has(first)) continue;
    if (words.length >= 2 || first in TOOL_SUBCOMMANDS || ALWAYS_COMMAND.includes(first)) {
      return {
        index: span.contentStart + (span.content.length - span.content.trimStart().length),
        command: span.content.trim(),
      };
    }
  }
  return undefined;
}

/** Tool names the tool patterns start with. */
const SCANNED_TOOLS: ReadonlySet<string> = new Set([
  ...Object.keys(TOOL_SUBCOMMANDS),
  ...ALWAYS_COMMAND,
  'curl',
  'wget',
]);

/** A tool with a known subcommand, an always-command (`npx x`) or `curl`/`wget` with a flag or URL. */
function scanToolCommands(text: string): { index: number; command: string } | undefined {
  for (const re of [SUBCOMMAND_RE, ALWAYS_RE, CURL_RE]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (re === SUBCOMMAND_RE) {
        const subs = TOOL_SUBCOMMANDS[m[1] ?? ''] ?? [];
        if (!subs.includes(m[2] ?? '')) continue;
      }
      return { index: m.index, command: commandText(text, m.index) };
    }
  }
  return undefined;
}

function lineStartCommand(text: string): { index: number; command: string } | undefined {
  // Only a `$ ` prompt or a listed command word can start a command line: check that before the pattern.
  const lead = LEADING_WORD.exec(text);
  if (!lead || (lead[1] === undefined && !LINE_START_COMMANDS.has(lead[2] ?? ''))) return undefined;
  const m = /^(\s*)(\$\s+)?([a-z][\w-]*)((?:\s+\S+)*)\s*$/.exec(text);
  if (!m) return undefined;
  const prompt = m[2] !== undefined;
  const word = m[3] ?? '';
  const index = (m[1] ?? '').length;
  const args = (m[4] ?? '').trim().split(/\s+/).filter(Boolean);
  if (prompt && args.length > 0) return { index, command: text.trim() };
  if (!LINE_START_COMMANDS.has(word)) return undefined;
  const first = args[0] ?? '';
  const subcommands = TOOL_SUBCOMMANDS[word];
  if (subcommands?.includes(first) || (ALWAYS_COMMAND.includes(word) && args.length > 0)) {
    return { index, command: text.trim() };
  }
  // `>` or `<` before a number is a comparison ("sessions > 30 days"), not a redirect.
  const shellArgs = args.filter(
    (a, i) => SHELL_ARGUMENT.test(a) && !(/^[<>]$/.test(a) && /^\d/.test(args[i + 1] ?? '')),
  );
  if (shellArgs.some((a) => STRONG_ARGUMENT.test(a))) return { index, command: text.trim() };
  // A sentence ("find the notes.txt file, then...") ends with prose punctuation; a command rarely does.
  if (/[,!?]|[a-z]\.$/.test(m[4] ?? '')) return undefined;
  if (shellArgs.length > 0) return { index, command: text.trim() };
  return undefined;
}

/** The command as written, up to the end of the line or a closing backtick. */
function commandText(text: string, index: number): string {
  const rest = text.slice(index);
  const end = rest.indexOf('`');
  return (end === -1 ? rest : rest.slice(0, end)).trim().slice(0, 80);
}

/** Reports lines that give a shell command. */
function checkShellCommands(view: LintView): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const line of lintableLines(view)) {
    const found = findShellCommand(line.scan, line.vocabulary);
    if (!found) continue;
    findings.push({
      line: line.number,
      column: found.index + 1,
      message: `Shell command in the instruction: \`${found.command}\`.`,
    });
  }
  return findings;
}

/** `no-shell-commands`: shell commands. */
export const noShellCommands = defineLintRule({
  id: 'no-shell-commands',
  defaultSeverity: 'warning',
  summary: 'shell commands',
  description:
    'A shell command: a line that starts with a command and its flags, paths or operators (`rm -rf dist`, `cat a | grep x`), a tool with a subcommand anywhere (`npm install`, `git checkout`), or a command in backticks.',
  hint: 'Say what must be true afterwards (dependencies available, branch created); the executor runs the commands.',
  examples: {
    context: 'requirements',
    bad: [
      '- Run `npm install` first',
      '- npm install left-pad',
      '- rm -rf dist',
      '- Then git checkout -b feature',
      '- Count errors with cat app.log | grep ERROR',
    ],
    good: [
      '- Run the tests',
      '- Make the button blue',
      '- Find the cause of the crash.',
      '- Sort the list by date, newest first',
      '- Users can export the report',
    ],
  },
  notes: [
    'A line that **starts** with a lower-case command word (npm, git, docker, rm, cp, cat, find, sort, make, go, curl, ...) counts only when an argument has shell shape: a flag (`-rf`, `--force`), a path (`./x`, `/tmp`, `a.log`), an operator (`|`, `>`, `&&`), a variable (`$HOME`) or a glob. "Make the button blue", "find the cause of the crash." and "sort by date, then name" are English. A `$ ` prompt before any word counts.',
    '**Anywhere** in a line: a tool whose name is not an English word followed by one of its subcommands (`npm install`, `git checkout`, `docker compose`, `pip install`, `kubectl apply`, ...), `npx x`, `sudo x`, `curl -s`/`curl https://`, and pipes into text tools (`| grep`, `| sort`); a line starting with `|` is a Markdown table, not a pipe.',
    'In backticks: a command word followed by anything, or a tool name alone (`npm`).',
    '"Run the tests" is never reported: "run" is not a command.',
  ],
  vocabulary: [...SCANNED_TOOLS],
  check: checkShellCommands,
});
