// Commits a session's verified work, then waits as an engine would before appending the event
// that records the sha: the parent kills it with SIGKILL at a moment of its choosing.
// argv: <repo> <workspacesDir> <sessionId>. Prints `ready`, waits for a line on stdin, then commits,
// prints `committed <sha>` and hangs.
import { createInterface } from 'node:readline';
import { createGitWorkspaces } from '../../src/index.js';
import { INSTRUCTION, PASSED, sessionOf } from '../session-fixtures.js';

const [repo = '', workspacesDir = '', sessionId = ''] = process.argv.slice(2);
const signal = new AbortController().signal;
const ws = await createGitWorkspaces({ repository: repo, workspacesDir });
const session = sessionOf(sessionId);
await ws.open(session, { signal });
console.log('ready');
const lines = createInterface({ input: process.stdin });
for await (const _ of lines) break;
const { sha } = await ws.commitVerified(
  session,
  { instructionText: INSTRUCTION, verdict: PASSED, attempt: 0 },
  { signal },
);
console.log(`committed ${sha}`);
setInterval(() => {}, 60_000);
