/**
 * The fleet chaos run, shared by the chaos test (`npm test`, sized to stay under a minute) and the
 * stress script (200 and 2,000 sessions): sessions submitted to several worker processes while
 * workers are SIGKILLed (and respawned) and PostgreSQL is restarted, then the invariants checked.
 */
import { isTerminal, type SessionEvent } from '@sessionhub/core';
import { seededRandom } from '@sessionhub/core/testing';
import pg from 'pg';
import { createFleet, SESSION_QUEUE } from '../../src/index.js';
import type { PgCluster } from './fleet-env.js';
import { fleetEnv } from './fleet-env.js';
import { killWorker, spawnWorker, type WorkerProcess } from './worker-process.js';

export interface ChaosOptions {
  sessions: number;
  workers: number;
  /** Sessions each worker drives at once. */
  concurrency: number;
  executorMs: number;
  /**
   * SIGKILLs of a random worker (each respawned at once), spread over the run by progress: the k-th
   * when `k / (kills + 1)` of 80% of the sessions have ended, so they always hit sessions in flight.
   */
  kills: number;
  /** Restart PostgreSQL (abruptly) once, when this fraction of the sessions has ended; `undefined` = never. */
  restartAtFraction?: number;
  /** How long PostgreSQL stays down. */
  downMs?: number;
  seed: number;
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  sessions: number;
  succeeded: number;
  kills: number;
  restarts: number;
  durationMs: number;
  /** Every broken invariant, empty when the run was sound. */
  violations: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries a read while the database restarts. */
async function patiently<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i > 100) throw error;
      await sleep(200);
    }
  }
}

/** The violations of one session's log: gap-free seqs, one creation, one end, no step started after it finished. */
export function logViolations(id: string, events: readonly SessionEvent[]): string[] {
  const out: string[] = [];
  events.forEach((e, i) => {
    if (e.seq !== i + 1) out.push(`${id}: seq ${e.seq} at position ${i + 1}`);
  });
  const count = (type: string) => events.filter((e) => e.type === type).length;
  if (count('session.created') !== 1) out.push(`${id}: ${count('session.created')} session.created events`);
  if (count('session.finished') !== 1) out.push(`${id}: ended ${count('session.finished')} times`);
  const finished = new Set<string>();
  for (const e of events) {
    if (e.type === 'step.finished') finished.add(e.stepId);
    if (e.type === 'step.started' && finished.has(e.stepId))
      out.push(`${id}: step ${e.stepId} ran again after finishing`);
  }
  return out;
}

export async function runChaos(cluster: PgCluster, o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? (() => {});
  const env = await fleetEnv(cluster);
  const fleet = await createFleet({ store: env.store, queue: env.queue });
  const random = seededRandom(o.seed);
  const args = { url: env.url, workspaceRoot: env.workspaceRoot, executorMs: o.executorMs, concurrency: o.concurrency };
  const workers: WorkerProcess[] = await Promise.all(Array.from({ length: o.workers }, () => spawnWorker(args)));
  const started = Date.now();
  let kills = 0;
  let restarts = 0;
  const violations: string[] = [];
  try {
    const ids: string[] = [];
    for (let i = 0; i < o.sessions; i++)
      ids.push((await fleet.submit({ request: `Greet visitor ${i} by name` })).sessionId);
    log(`submitted ${ids.length} sessions`);
    const killAt = (k: number) => Math.floor(((k + 1) / (o.kills + 1)) * 0.8 * ids.length);
    const restartAt = o.restartAtFraction === undefined ? undefined : Math.floor(o.restartAtFraction * ids.length);
    const done = async () => {
      const sessions = await patiently(() => env.store.listSessions());
      return sessions.filter((s) => isTerminal(s.state)).length;
    };
    for (;;) {
      const ended = await done().catch(() => 0);
      if (ended === ids.length) break;
      if (Date.now() - started > o.timeoutMs) {
        violations.push(`only ${ended} of ${ids.length} sessions ended within ${o.timeoutMs} ms`);
        break;
      }
      if (kills < o.kills && ended >= killAt(kills)) {
        const w = Math.floor(random() * workers.length);
        await killWorker(workers[w] as WorkerProcess);
        workers[w] = await spawnWorker(args);
        kills++;
        log(`killed and respawned worker ${w} (${ended}/${ids.length} ended)`);
      }
      if (restartAt !== undefined && restarts === 0 && ended >= restartAt) {
        await cluster.restart({ downMs: o.downMs ?? 1000 });
        restarts++;
        log(`restarted PostgreSQL (${ended}/${ids.length} ended)`);
      }
      await sleep(200);
    }
    const durationMs = Date.now() - started;
    let succeeded = 0;
    for (const id of ids) {
      const session = await patiently(() => env.store.getSession(id));
      if (session?.state === 'succeeded') succeeded++;
      else violations.push(`${id}: ended ${session?.state}${session?.error ? ` (${session.error.message})` : ''}`);
      violations.push(...logViolations(id, await patiently(() => env.store.readEvents(id))));
    }
    // Nothing left leased: once every session ended, every job of the queue completes.
    const client = new pg.Client({ connectionString: env.url });
    await client.connect();
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const open = await client.query<{ state: string; n: number }>(
          `SELECT state, count(*)::int AS n FROM sessionhub_queue.job WHERE name = $1 AND state NOT IN ('completed')
           GROUP BY state`,
          [SESSION_QUEUE],
        );
        if (open.rows.length === 0) break;
        if (Date.now() > deadline) {
          violations.push(`jobs still open: ${open.rows.map((r) => `${r.n} ${r.state}`).join(', ')}`);
          break;
        }
        await sleep(500);
      }
    } finally {
      await client.end();
    }
    return { sessions: ids.length, succeeded, kills, restarts, durationMs, violations };
  } finally {
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.watch.exited));
    await fleet.close();
    await env.dispose();
  }
}
