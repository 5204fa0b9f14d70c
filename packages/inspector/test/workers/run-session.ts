/**
 * Runs one session in its own process on a SQLite file, for the inspector's cross-process stream test.
 * Argument: JSON `{ storePath, workspace }`. Prints `started <id>`, then the executor reports progress and waits for
 * a `go` line on stdin before it reports more and returns; prints `finished <state>` at the end.
 */
import { createInterface } from 'node:readline';
import { createSessionHub } from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, ScriptedVerifier } from '@sessionhub/core/testing';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { openSqliteStore } from '@sessionhub/store-sqlite';

const { storePath, workspace } = JSON.parse(process.argv[2] ?? '{}') as { storePath: string; workspace: string };
const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.on('line', (line) => line === 'go' && resolve()));

const store = await openSqliteStore({ path: storePath });
const sandbox = new ProcessSandboxProvider({ allowUnisolated: true });
const hub = createSessionHub({
  env: {},
  store,
  sandbox,
  workspace,
  policy: { foundation: 'skip' },
  planner: new ScriptedPlanner(),
  verifier: new ScriptedVerifier([true]),
  executor: new ScriptedExecutor({
    progress: [{ kind: 'message', message: `before go (pid ${process.pid})` }],
    respond: async (_input, _sandbox, opts) => {
      await go;
      opts.emit({ kind: 'message', message: `after go (pid ${process.pid})` });
      return {};
    },
  }),
});
const handle = await hub.run({ request: 'Greet from another process' });
console.log(`started ${handle.id}`);
const { session } = await handle.result;
console.log(`finished ${session.state}`);
lines.close();
await sandbox.close();
await store.close();
