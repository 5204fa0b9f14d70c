/**
 * A fleet worker in its own process, for the cross-process and chaos tests and the scaling bench.
 * Args: JSON `{ url, workspaceRoot, executorMs, concurrency?, requireApproval?, plannerTokens?, tokenBudget? }`.
 * Prints `ready` once it takes work and `executing <sessionId>` when its executor starts; on
 * SIGTERM it stops gracefully (finishing its sessions), prints `stopped` and exits 0. Incidents go to stderr.
 */
import { openPostgresStore } from '@sessionhub/store-postgres';
import { startWorker } from '../../src/index.js';
import { engineParts } from '../support/parts.js';

const args = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  workspaceRoot: string;
  executorMs: number;
  concurrency?: number;
  requireApproval?: boolean;
  plannerTokens?: number;
  tokenBudget?: number;
};
const store = await openPostgresStore({ connectionString: args.url, maxConnections: 6 });
const worker = await startWorker({
  ...engineParts({
    workspaceRoot: args.workspaceRoot,
    executorMs: args.executorMs,
    plannerTokens: args.plannerTokens,
    policy: {
      ...(args.requireApproval ? { requireApproval: true } : {}),
      ...(args.tokenBudget !== undefined ? { budgets: { tokens: args.tokenBudget } } : {}),
    },
    onExecute: (id) => console.log(`executing ${id}`),
  }),
  store,
  queue: { connectionString: args.url, heartbeatSeconds: 10, monitorIntervalSeconds: 1, pollingIntervalSeconds: 0.5 },
  concurrency: args.concurrency ?? 4,
  // On stderr, so a test that fails tells what the worker went through.
  onIncident: ({ sessionId, what, error }) => console.error(`incident ${sessionId ?? '-'}: ${what}: ${error}`),
});
process.on('SIGTERM', () => {
  void worker.stop().then(async () => {
    await store.close();
    console.log('stopped');
    process.exit(0);
  });
});
console.log('ready');
