import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { match, reply, type Script } from '@sessionhub/testing';

const exec = promisify(execFile);

/** The issue the offline run files: one small feature for the demo project. */
export const SLUG_ISSUE = {
  title: 'Turn titles into URL slugs',
  body: 'Blog post titles need URL slugs: lower case, words joined by dashes, nothing but letters and digits.',
};

const FOUNDATION = `# Slugs Foundation

Current Version: 1.0

## Session Log
- 1.0 (2026-01-01) Project Setup: completed. Created the project.
`;

/** The project's check, the verifier's gate. */
const CHECK = `import { slugify } from './slugify.mjs';
const got = slugify('Hello, World 2026!');
if (got !== 'hello-world-2026') {
  console.error('FAIL slug was ' + JSON.stringify(got));
  process.exit(1);
}
console.log('ok');
`;

/** Creates the demo repository (one commit on `main`: Foundation document and check) in `dir`. */
export async function createSlugRepository(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'FOUNDATION.md'), FOUNDATION);
  await writeFile(join(dir, 'check.mjs'), CHECK);
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Demo',
    GIT_AUTHOR_EMAIL: 'demo@example.invalid',
    GIT_COMMITTER_NAME: 'Demo',
    GIT_COMMITTER_EMAIL: 'demo@example.invalid',
  };
  for (const args of [
    ['init', '--quiet', '--initial-branch=main'],
    ['add', '-A'],
    ['commit', '--quiet', '-m', 'Slugs 1.0'],
  ]) {
    await exec('git', args, { cwd: dir, env });
  }
}

/** The planner's answer: an instruction for version 1.1 that keeps every boundary rule. */
export const SLUG_INSTRUCTION = `Session 1.1: Slug Helper
OBJECTIVES:
1. Titles can be turned into URL slugs
REQUIREMENTS:
- A slug is lower case, with words joined by single dashes
- A slug holds only letters, digits and dashes
FOUNDATION UPDATE:
- Update to version 1.1
- Add session to log
VALIDATION:
- The project's check passes
NOT INCLUDED:
- Slugs for titles in non-Latin scripts
`;

/** The module the scripted executor writes. */
const SLUGIFY_MODULE =
  "export const slugify = (title) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');";

/** The scripted conversation of one session on the slug issue: the plan, then the executor's turns. */
export function slugScript(): Script {
  const executor = match.hasTools('list_files', 'write_file', 'run_command');
  return [
    { name: 'plan', match: match.systemContains('You are the Planner'), reply: reply.text(SLUG_INSTRUCTION) },
    {
      name: 'look',
      match: [executor, match.lastUserContains('Session 1.1: Slug Helper')],
      reply: reply.toolUse('list_files', {}),
    },
    {
      // Written by a command, which is how a shell-minded executor works (and it runs the check in one go).
      name: 'write',
      match: [executor, match.toolResult({ name: 'list_files', contains: 'check.mjs' })],
      reply: reply.toolUse('run_command', {
        command: `printf '%s\\n' ${JSON.stringify(SLUGIFY_MODULE)} > slugify.mjs && node check.mjs`,
      }),
    },
    {
      name: 'report',
      match: [executor, match.toolResult({ name: 'run_command', contains: 'ok' })],
      reply: reply.text('Added slugify.mjs; the check passes.'),
    },
  ];
}
