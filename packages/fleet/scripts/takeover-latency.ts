/**
 * Takeover latency after a SIGKILL (not part of `npm test`):
 * `npm run takeover -w @sessionhub/fleet -- [trials]`.
 * Two worker processes wait for work (so no process start is measured); a session starts executing
 * on one, that one is SIGKILLed, and the time until the other starts the session's execute step
 * again is measured: pg-boss's heartbeat timeout, its monitor pass, the retry delay and the
 * resume. Same host, so the engine takes the dead worker's claim over at once. Last line JSON.
 */
import { createFleet } from '../src/index.js';
import { fleetEnv, startCluster } from '../test/support/fleet-env.js';
import { killWorker, spawnWorker, type WorkerProcess } from '../test/support/worker-process.js';

const trials = Number(process.argv[2] ?? 3);
const cluster = await startCluster();
const latencies: number[] = [];
try {
  for (let t = 0; t < trials; t++) {
    const env = await fleetEnv(cluster);
    const fleet = await createFleet({ store: env.store, queue: env.queue });
    const args = { url: env.url, workspaceRoot: env.workspaceRoot, executorMs: 600_000 };
    const workers = await Promise.all([spawnWorker(args), spawnWorker(args)]);
    try {
      const { sessionId } = await fleet.submit({ request: 'Greet visitors by name' });
      const first = await Promise.race(workers.map((w) => w.executing(sessionId).then(() => w)));
      const other = workers.find((w) => w !== first) as WorkerProcess;
      const killedAt = Date.now();
      await killWorker(first);
      await other.executing(sessionId);
      latencies.push(Date.now() - killedAt);
      console.log(`trial ${t + 1}: ${latencies.at(-1)} ms from SIGKILL to the step running again`);
    } finally {
      for (const w of workers) w.child.kill('SIGKILL');
      await fleet.close();
      await env.dispose();
    }
  }
} finally {
  await cluster.destroy();
}
const sorted = [...latencies].sort((a, b) => a - b);
console.log(
  JSON.stringify({
    bench: 'fleet/takeover-latency',
    metrics: {
      trials: sorted.length,
      min_ms: sorted[0] ?? 0,
      median_ms: sorted[Math.floor(sorted.length / 2)] ?? 0,
      max_ms: sorted.at(-1) ?? 0,
    },
    ratios: {},
  }),
);
