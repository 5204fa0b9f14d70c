import { afterAll, expect, it } from 'vitest';
import { runChaos } from './support/chaos.js';
import { postgresSkipReason, startCluster } from './support/fleet-env.js';

const SKIP = postgresSkipReason();

// 40 sessions on 4 worker processes; 3 random SIGKILLs (each worker respawned) and one abrupt
// PostgreSQL restart mid-run. The 200- and 2,000-session versions: `npm run stress -w @sessionhub/fleet`.
if (SKIP) it.skip(`fleet chaos [skipped: ${SKIP}]`, () => {});
else {
  const cluster = await startCluster();
  afterAll(() => cluster.destroy());

  it('under SIGKILLs and a PostgreSQL restart every session ends exactly once, no step re-runs past its end, seqs are gap-free, nothing stays leased', async () => {
    const report = await runChaos(cluster, {
      sessions: 40,
      workers: 4,
      concurrency: 4,
      executorMs: 300,
      kills: 3,
      restartAtFraction: 0.3,
      downMs: 1000,
      seed: 19,
      // Typically about 20 s here; the margin is for a loaded CI machine.
      timeoutMs: 80_000,
    });
    expect(report.violations).toEqual([]);
    expect(report.succeeded).toBe(40);
    expect(report.kills).toBe(3);
    expect(report.restarts).toBe(1);
  }, 150_000);
}
