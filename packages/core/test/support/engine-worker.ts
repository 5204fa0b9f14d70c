// An engine in its own process, for takeover tests: runs one session over a SQLite store and stops in
// the middle of its execute step, so the parent can SIGKILL it there.
// argv: <sqlite file> <workspace> <session id>. Prints `executing` once the execute step's start is
// durable and the executor has been called, then waits forever.
import { createSessionHub } from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, ScriptedVerifier } from '@sessionhub/core/testing';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { DirSandboxProvider } from './dir-sandbox.js';

const [file = '', workspace = '', sessionId = ''] = process.argv.slice(2);
const store = await openSqliteStore(file);
const hub = createSessionHub({
  env: {},
  store,
  workspace,
  planner: new ScriptedPlanner(),
  executor: new ScriptedExecutor({
    respond: () => {
      console.log('executing');
      return new Promise(() => undefined);
    },
  }),
  verifier: new ScriptedVerifier(),
  sandbox: new DirSandboxProvider(),
  generateId: () => sessionId,
  policy: { foundation: 'skip' },
});
await hub.run({ request: 'Greet visitors by name' });
setInterval(() => undefined, 60_000);
