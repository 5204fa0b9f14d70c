// An engine in its own process that only decides: `approve`, `reject` or `cancel` of a session another
// process drives, over the same SQLite file. Prints `recorded <engine id>` once the call resolved.
// argv: <sqlite file> <workspace> <session id> <approve|reject|cancel>.
import { createSessionHub } from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, ScriptedVerifier } from '@sessionhub/core/testing';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { DirSandboxProvider } from './dir-sandbox.js';

const [file = '', workspace = '', sessionId = '', kind = ''] = process.argv.slice(2);
const store = await openSqliteStore(file);
const hub = createSessionHub({
  env: {},
  store,
  workspace,
  planner: new ScriptedPlanner(),
  executor: new ScriptedExecutor(),
  verifier: new ScriptedVerifier(),
  sandbox: new DirSandboxProvider(),
  policy: { foundation: 'skip', requireApproval: true },
});
if (kind === 'approve') await hub.approve(sessionId);
else if (kind === 'reject') await hub.reject(sessionId, 'not this one');
else await hub.cancel(sessionId);
console.log(`recorded ${hub.engineId}`);
store.close();
