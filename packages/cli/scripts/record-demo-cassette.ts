/**
 * Produces `examples/demo/demo.cassette.json`: a realistic two-actor session, scripted on `@sessionhub/testing`'s
 * fake Messages API and recorded through the CLI's own recorder, with the real actors, sandbox, gates and git:
 * the planner's instruction, the executor writing a median with a bug, the test gate failing, a fix instruction,
 * the fix, the gates passing. `npm run cassette:demo -w sessionhub` (then commit the file).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { match, reply, type ScriptTurn, startFakeAnthropic } from '@sessionhub/testing';
import { CassetteRecorder } from '../src/cassette/recorder.js';
import { projectContext, projectHub } from '../src/commands/context.js';
import { copyTypeScript, prepareProject } from '../src/commands/demo-project.js';

const source = fileURLToPath(new URL('../../../examples/demo/project', import.meta.url));

const REQUEST = 'Add a median to the library: the middle value of a list of numbers';

/** What the instruction and the fix instruction both end with: the same version, checks and commit. */
const CHECKS = `FOUNDATION UPDATE:
- Update to version 1.1
- Add session to log
VALIDATION:
- The median of 3, 1 and 2 is 2
- The median of 4, 1, 3 and 2 is 2.5
- The typecheck and the automated tests pass
COMPLEXITY: simple
COMMIT: 'Session 1.1: Median'
`;

const INSTRUCTION = `Session 1.1: Median
OBJECTIVES:
1. The library can tell the median of a list of numbers
REQUIREMENTS:
- The median of a list with an odd number of values is its middle value once the values are in order
- The median of a list with an even number of values is the mean of the two middle values
- The median of an empty list is reported as absent, as the mean already does
- The caller's list is left as it was given
${CHECKS}`;

const FIX_INSTRUCTION = `Session 1.1: Median
OBJECTIVES:
1. The median is found from the values in order, whatever order the caller gave them in
REQUIREMENTS:
- A list that is not in order has the same median as the same values in order
- The caller's list is left as it was given
- Everything the first attempt got right stays right
${CHECKS}`;

/** The library as the demo project holds it before the session. */
const TALLY = await readFile(join(source, 'src', 'tally.ts'), 'utf8');

const BUGGY_MEDIAN = `  const middle = Math.floor(values.length / 2);
  if (values.length % 2 === 1) return values[middle];
  return ((values[middle - 1] as number) + (values[middle] as number)) / 2;`;

const FIXED_MEDIAN = `  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle];
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;`;

const WITH_MEDIAN = `${TALLY}
/** The middle value (the mean of the two middle values for an even count); \`undefined\` for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
${BUGGY_MEDIAN}
}
`;

const MEDIAN_TEST = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median } from '../src/tally.ts';

test('median of an odd count is the middle value in order', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([5]), 5);
});

test('median of an even count is the mean of the two middle values', () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('median of nothing is undefined, and the list keeps its order', () => {
  assert.equal(median([]), undefined);
  const values = [3, 1, 2];
  median(values);
  assert.deepEqual(values, [3, 1, 2]);
});
`;

const TYPECHECK = 'sh scripts/node.sh node_modules/typescript/bin/tsc -p .';
const TESTS = 'sh scripts/node.sh --test';

const planner = (name: string, extra: ReturnType<typeof match.any>[], text: string): ScriptTurn => ({
  name,
  match: [match.systemContains('You are the Planner'), ...extra],
  reply: reply.text(text),
});
const executor = (
  name: string,
  extra: ReturnType<typeof match.any>[],
  r: ReturnType<typeof reply.text>,
): ScriptTurn => ({
  name,
  match: [match.systemContains('You are the Executor'), ...extra],
  reply: r,
});

const script: ScriptTurn[] = [
  planner('plan', [match.lastUserContains('Add a median'), match.lastUserContains('1.1')], INSTRUCTION),
  executor(
    'read the library',
    [match.lastUserContains('Session 1.1: Median')],
    reply.toolUse('read_file', { path: 'src/tally.ts' }, { text: 'I will look at the library first.' }),
  ),
  executor(
    'write the median (with a bug)',
    [match.toolResult({ name: 'read_file', contains: 'export function mean' })],
    reply.toolUse('write_file', { path: 'src/tally.ts', content: WITH_MEDIAN }),
  ),
  executor(
    'write its tests',
    [match.toolResult({ name: 'write_file' })],
    reply.toolUse('write_file', { path: 'test/median.test.ts', content: MEDIAN_TEST }),
  ),
  executor(
    'typecheck',
    [match.toolResult({ name: 'write_file' })],
    reply.toolUse('run_command', { command: TYPECHECK }),
  ),
  executor(
    'report',
    [match.toolResult({ name: 'run_command' })],
    reply.text('Added median to the library, with tests for odd, even and empty lists; the typecheck passes.'),
  ),
  planner(
    'fix plan',
    [match.lastUserContains('Write a FIX session instruction'), match.lastUserContains('median')],
    FIX_INSTRUCTION,
  ),
  executor(
    'fix',
    [match.lastUserContains('fix attempt 1')],
    reply.toolUse(
      'edit_file',
      { path: 'src/tally.ts', old_text: BUGGY_MEDIAN, new_text: FIXED_MEDIAN },
      { text: 'The median read the values in the order given; it must order a copy first.' },
    ),
  ),
  executor(
    'run the tests',
    [match.toolResult({ name: 'edit_file', isError: false })],
    reply.toolUse('run_command', { command: TESTS }),
  ),
  executor(
    'done',
    [match.toolResult({ name: 'run_command', contains: 'pass 5' })],
    reply.text('The median now orders a copy of the values; all five tests pass.'),
  ),
];

const out = fileURLToPath(new URL('../../../examples/demo/demo.cassette.json', import.meta.url));
const fake = await startFakeAnthropic({ script });
try {
  const project = await prepareProject(source);
  const recorder = new CassetteRecorder(REQUEST);
  const ctx = await projectContext({ cwd: project });
  const app = await projectHub(ctx, {
    baseURL: fake.url,
    apiKey: 'sk-ant-recording-demo',
    maxRetries: 0,
    fetch: recorder.fetch,
    allowUnisolated: true,
    prepareWorkspace: (dir) => copyTypeScript(dir),
  });
  const handle = await app.hub.run({ request: REQUEST });
  const result = await handle.result;
  await app.close();
  fake.assertDone();
  if (result.session.state !== 'succeeded' || result.session.fixAttempts !== 1) {
    throw new Error(
      `expected a session that succeeds after one fix; got ${result.session.state} (${result.error?.message})`,
    );
  }
  const cassette = await recorder.save(out);
  console.log(
    `recorded ${cassette.exchanges.length} exchanges to ${out} (project ${project}, sandbox ${app.sandbox.kind})`,
  );
} finally {
  await fake.close();
}
