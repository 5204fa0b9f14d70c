/**
 * Fleet chaos stress (not part of `npm test`): `npm run stress -w @sessionhub/fleet -- [sessions] [workers]`.
 * Runs 200 sessions by default (pass 2000 for the long run) on 4 worker processes with random
 * SIGKILLs (each worker respawned) and one abrupt PostgreSQL restart, then checks every session
 * ended exactly once, no step re-ran past its end, seqs are gap-free and no job stays leased.
 * The last line is JSON.
 */
import { runChaos } from '../test/support/chaos.js';
import { startCluster } from '../test/support/fleet-env.js';

const sessions = Number(process.argv[2] ?? 200);
const workers = Number(process.argv[3] ?? 4);
const cluster = await startCluster();
try {
  const report = await runChaos(cluster, {
    sessions,
    workers,
    concurrency: 8,
    executorMs: 300,
    kills: Math.max(3, Math.round(sessions / 40)),
    restartAtFraction: 0.3,
    downMs: 2000,
    seed: Date.now() % 100_000,
    timeoutMs: Math.max(120_000, sessions * 600),
    log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  for (const v of report.violations.slice(0, 50)) console.log('VIOLATION', v);
  console.log(
    JSON.stringify({
      bench: 'fleet/chaos',
      metrics: {
        sessions: report.sessions,
        succeeded: report.succeeded,
        kills: report.kills,
        postgres_restarts: report.restarts,
        duration_s: Math.round(report.durationMs / 100) / 10,
        violations: report.violations.length,
      },
      ratios: {},
    }),
  );
  process.exitCode = report.violations.length === 0 ? 0 : 1;
} finally {
  await cluster.destroy();
}
