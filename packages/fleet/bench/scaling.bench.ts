/**
 * Fleet scaling (not a test): sessions per second with 4 worker processes against 1, each session's
 * executor taking 200 ms, each worker driving one session at a time, on one throwaway PostgreSQL
 * cluster (store, queue and commands in one database). The workers are started and ready before the
 * clock starts; the clock stops when every submitted session has ended. Runs 1, 4, 1, 4 workers
 * (alternating, so load from other processes falls on both). `npm run bench -w @sessionhub/fleet`.
 * Last line: one JSON object.
 */
import { isTerminal } from '@sessionhub/core';
import { createFleet } from '../src/index.js';
import { fleetEnv, startCluster } from '../test/support/fleet-env.js';
import { spawnWorker } from '../test/support/worker-process.js';

const EXECUTOR_MS = 200;
const SESSIONS_PER_WORKER = Number(process.env.BENCH_SESSIONS_PER_WORKER ?? 30);

async function run(cluster: Awaited<ReturnType<typeof startCluster>>, workers: number): Promise<number> {
  const env = await fleetEnv(cluster);
  const fleet = await createFleet({ store: env.store, queue: env.queue });
  const procs = await Promise.all(
    Array.from({ length: workers }, () =>
      spawnWorker({ url: env.url, workspaceRoot: env.workspaceRoot, executorMs: EXECUTOR_MS, concurrency: 1 }),
    ),
  );
  try {
    const total = SESSIONS_PER_WORKER * workers;
    const started = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < total; i++) ids.push((await fleet.submit({ request: `Greet visitor ${i} by name` })).sessionId);
    for (;;) {
      const sessions = await env.store.listSessions();
      const ended = sessions.filter((s) => isTerminal(s.state));
      if (ended.length === total) {
        if (ended.some((s) => s.state !== 'succeeded')) throw new Error('a session did not succeed');
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    const rate = total / seconds;
    console.log(`${workers} worker(s): ${total} sessions in ${seconds.toFixed(2)} s = ${rate.toFixed(2)} sessions/s`);
    return rate;
  } finally {
    for (const p of procs) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.watch.exited));
    await fleet.close();
    await env.dispose();
  }
}

const cluster = await startCluster();
try {
  const one: number[] = [];
  const four: number[] = [];
  for (let round = 0; round < 2; round++) {
    one.push(await run(cluster, 1));
    four.push(await run(cluster, 4));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const r = (n: number) => Math.round(n * 100) / 100;
  const ideal = 1000 / EXECUTOR_MS;
  console.log(`ideal for one worker at one session at a time: ${ideal} sessions/s`);
  console.log(
    JSON.stringify({
      bench: 'fleet/scaling',
      metrics: {
        executor_ms: EXECUTOR_MS,
        workers_1_sessions_per_s: r(mean(one)),
        workers_4_sessions_per_s: r(mean(four)),
      },
      ratios: { scale_4_workers: r(mean(four) / mean(one)) },
    }),
  );
} finally {
  await cluster.destroy();
}
