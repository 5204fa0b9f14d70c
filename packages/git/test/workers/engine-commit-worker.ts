// A whole engine in its own process, for the kill test: it runs one session over a SQLite store and
// git workspaces; once the verified work is committed (before the engine can record the sha) it prints
// `committed <sha>` and hangs there, so the parent can SIGKILL it between the commit and the event.
// argv: <sqlite file> <repo> <workspaces dir> <fake Anthropic url> <session id>.
import { AnthropicExecutor, AnthropicPlanner } from '@sessionhub/anthropic';
import { CommandVerifier, createSessionHub, type WorkspaceProvider } from '@sessionhub/core';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { createGitWorkspaces } from '../../src/index.js';
import { GATES, REQUEST } from '../engine-fixtures.js';

const [file = '', repo = '', workspacesDir = '', url = '', sessionId = ''] = process.argv.slice(2);
const store = await openSqliteStore(file);
const workspaces = await createGitWorkspaces({ repository: repo, workspacesDir });
// The real provider, stopping this process for good right after the commit landed.
const stopAfterCommit: WorkspaceProvider = {
  specificationVersion: 1,
  name: 'git-then-hang',
  open: (session, opts) => workspaces.open(session, opts),
  commitVerified: async (session, change, opts) => {
    const commit = await workspaces.commitVerified(session, change, opts);
    console.log(`committed ${commit.sha}`);
    return new Promise(() => undefined);
  },
  commitFoundation: (session, change, opts) => workspaces.commitFoundation(session, change, opts),
  close: (session, outcome, opts) => workspaces.close(session, outcome, opts),
};
const model = { apiKey: 'sk-ant-git-kill-test', baseURL: url, maxRetries: 0 };
const hub = createSessionHub({
  env: {},
  planner: new AnthropicPlanner(model),
  executor: new AnthropicExecutor(model),
  verifier: new CommandVerifier({ gates: GATES }),
  store,
  sandbox: new ProcessSandboxProvider({ allowUnisolated: true }),
  workspace: stopAfterCommit,
  generateId: () => sessionId,
  policy: { maxFixAttempts: 0 },
});
await hub.run({ request: REQUEST });
setInterval(() => undefined, 60_000);
