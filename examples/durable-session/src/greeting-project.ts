import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { match, reply, type Script } from '@sessionhub/testing';

/** The request the example sends: one small feature for the greeting project. */
export const GREETING_REQUEST = 'Greet visitors by name';

/** The project's living document at version 1.0; a successful session bumps it to 1.1 and logs itself. */
export const GREETING_FOUNDATION = `# Greeter Foundation

Current Version: 1.0

## Session Log
- 1.0 (2026-01-01) Project Setup: completed. Created the project.
`;

/** The project's own check, the verifier's gate: `greet('Ada')` must start with Hello and name Ada. */
export const GREETING_CHECK = `import { greet } from './greet.mjs';
const got = greet('Ada');
if (!got.startsWith('Hello') || !got.includes('Ada')) {
  console.error('FAIL greeting for Ada was ' + JSON.stringify(got));
  process.exit(1);
}
console.log('ok');
`;

/** What the scripted planner answers: an instruction for version 1.1 that keeps every boundary rule. */
export const GREETING_INSTRUCTION = `Session 1.1: Greeting Module
OBJECTIVES:
1. Visitors are greeted by name
REQUIREMENTS:
- The greeting starts with Hello and mentions the name it was given
FOUNDATION UPDATE:
- Update to version 1.1
- Add session to log
VALIDATION:
- The project's check passes
- A greeting for Ada mentions Ada
NOT INCLUDED:
- Greetings in other languages
`;

/** Writes the greeting project (its Foundation document and its check) into `dir`. */
export async function writeGreetingProject(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'FOUNDATION.md'), GREETING_FOUNDATION);
  await writeFile(join(dir, 'check.mjs'), GREETING_CHECK);
}

const planner = match.systemContains('You are the Planner');
const executor = match.hasTools('list_files', 'write_file', 'run_command');

/** The executor's turns: look at the project, write the module, run the check, report. */
export function greetingExecutorTurns(): Script {
  return [
    {
      name: 'look',
      match: [executor, match.lastUserContains('Session 1.1: Greeting Module')],
      reply: reply.toolUse('list_files', {}),
    },
    {
      name: 'write',
      match: [executor, match.toolResult({ name: 'list_files', contains: 'check.mjs' })],
      reply: reply.toolUse('write_file', {
        path: 'greet.mjs',
        content: 'export const greet = (name) => "Hello, " + name + "!";\n',
      }),
    },
    {
      name: 'check',
      match: [executor, match.toolResult({ name: 'write_file', isError: false })],
      reply: reply.toolUse('run_command', { command: 'node check.mjs' }),
    },
    {
      name: 'report',
      match: [executor, match.toolResult({ name: 'run_command', contains: 'ok' })],
      reply: reply.text('Added greet.mjs; the check passes.'),
    },
  ];
}

/**
 * The whole conversation of one greeting session, for `startFakeAnthropic({ script })`: the planner's
 * call, then the executor's tool loop.
 */
export function greetingConversation(): Script {
  return [
    {
      name: 'plan',
      match: [planner, match.lastUserContains(GREETING_REQUEST)],
      reply: reply.text(GREETING_INSTRUCTION),
    },
    ...greetingExecutorTurns(),
  ];
}
