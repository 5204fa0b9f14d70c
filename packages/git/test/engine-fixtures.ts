/** One session's script for the engine tests: a repository, the request, and the model's conversation. */
import { match, reply, type Script } from '@sessionhub/testing';

export const REQUEST = 'Greet visitors by name';
export const FOUNDATION =
  '# Greeter Foundation\n\nCurrent Version: 1.0\n\n## Session Log\n- 1.0 (2026-01-01) Project Setup: completed. Created the project.\n';
/** The project's check: the verifier's gate runs it. */
export const CHECK =
  "import { greet } from './greet.mjs';\nif (!greet('Ada').includes('Ada')) process.exit(1);\nconsole.log('ok');\n";
export const GATES = [{ name: 'check', command: 'node check.mjs', timeoutMs: 30_000 }];

const instruction = (session: string, name: string, requirement: string) => `Session ${session}: ${name}
OBJECTIVES:
1. Visitors are greeted by name
REQUIREMENTS:
- ${requirement}
FOUNDATION UPDATE:
- Update to version ${session}
- Add session to log
VALIDATION:
- The project's check passes
NOT INCLUDED:
- Greetings in other languages
`;

export const INSTRUCTION = instruction(
  '1.1',
  'Greeting Module',
  'The greeting starts with Hello and mentions the name it was given',
);
const FIX = instruction('1.1', 'Greeting Fix', 'The greeting mentions the name it was given, whatever it is');

const planner = match.systemContains('You are the Planner');
const executor = match.hasTools('list_files', 'write_file', 'run_command');
const write = (body: string) =>
  reply.toolUse('run_command', { command: `printf '%s\\n' 'export const greet = (n) => ${body};' > greet.mjs` });

/** Plan, write a module that passes the check, report. */
export const PASSING: Script = [
  { name: 'plan', match: [planner, match.lastUserContains(REQUEST)], reply: reply.text(INSTRUCTION) },
  {
    name: 'write',
    match: [executor, match.lastUserContains('Session 1.1: Greeting Module')],
    reply: write('"Hello, " + n + "!"'),
  },
  {
    name: 'report',
    match: [executor, match.toolResult({ name: 'run_command', isError: false })],
    reply: reply.text('Added greet.mjs.'),
  },
];

/** The first attempt fails the check (the name is left out); the fix round passes. */
export const FIX_ROUND: Script = [
  { name: 'plan', match: [planner, match.lastUserContains(REQUEST)], reply: reply.text(INSTRUCTION) },
  {
    name: 'write',
    match: [executor, match.lastUserContains('Session 1.1: Greeting Module')],
    reply: write('"Hello!"'),
  },
  {
    name: 'report',
    match: [executor, match.toolResult({ name: 'run_command', isError: false })],
    reply: reply.text('Added greet.mjs.'),
  },
  { name: 'fix-plan', match: [planner], reply: reply.text(FIX) },
  {
    name: 'fix-write',
    match: [executor, match.lastUserContains('Session 1.1: Greeting Fix')],
    reply: write('"Hello, " + n + "!"'),
  },
  {
    name: 'fix-report',
    match: [executor, match.toolResult({ name: 'run_command', isError: false })],
    reply: reply.text('Fixed greet.mjs.'),
  },
];
