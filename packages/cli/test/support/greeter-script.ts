import { type FakeAnthropic, match, reply, type ScriptTurn } from '@sessionhub/testing';

/** A planner answer that keeps every boundary rule. */
export const GREETING_INSTRUCTION = `Session 1.1: Greeting
OBJECTIVES:
1. Visitors are greeted by name
REQUIREMENTS:
- The greeting starts with Hello and mentions the name it was given
FOUNDATION UPDATE:
- Update to version 1.1
- Add session to log
VALIDATION:
- A greeting for Ada reads Hello, Ada
COMPLEXITY: simple
COMMIT: 'Greet visitors by name'
`;

export const REQUEST = 'Greet visitors by name';

const planner = (name: string, text: string): ScriptTurn => ({
  name,
  match: match.systemContains('You are the Planner'),
  reply: reply.text(text),
});

/** Plan, write `greet.mjs` (correct at once), report. */
export function greeterScript(): ScriptTurn[] {
  return [
    planner('plan', GREETING_INSTRUCTION),
    {
      name: 'write',
      match: [match.systemContains('You are the Executor'), match.lastUserContains('Session 1.1: Greeting')],
      reply: reply.toolUse('write_file', {
        path: 'greet.mjs',
        content: "export const greet = (name) => 'Hello, ' + name;\n",
      }),
    },
    { name: 'report', match: match.toolResult({ name: 'write_file' }), reply: reply.text('Added greet.mjs.') },
  ];
}

/**
 * Like {@link greeterScript}, but the executor first lists the files and the request after that stalls until
 * the client gives up (how a test holds a session mid-step); the execution that resumes afterwards starts
 * over and writes the file.
 */
export function stallingScript(fake: () => FakeAnthropic): ScriptTurn[] {
  const [plan, write, report] = greeterScript() as [ScriptTurn, ScriptTurn, ScriptTurn];
  return [
    plan,
    {
      name: 'list, then stall',
      match: [match.systemContains('You are the Executor'), match.lastUserContains('Session 1.1: Greeting')],
      reply: () => {
        fake().enqueueFault({ kind: 'stall' });
        return reply.toolUse('list_files', {});
      },
    },
    write,
    report,
  ];
}
