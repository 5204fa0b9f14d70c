import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Session, SessionEvent, SessionState } from '@sessionhub/core';
import { openPostgresStore, type PostgresStore } from '@sessionhub/store-postgres';
import { expect } from 'vitest';
import { type PgCluster, postgresSkipReason, startCluster } from '../../../store-postgres/test/support/cluster.js';
import { createFleet, type Fleet, type FleetQueueOptions } from '../../src/index.js';

export { type PgCluster, postgresSkipReason, startCluster };

/** One database per test: the store, the queue and the commands all live in it. */
export interface FleetEnv {
  cluster: PgCluster;
  url: string;
  store: PostgresStore;
  queue: FleetQueueOptions;
  workspaceRoot: string;
  dispose(): Promise<void>;
}

let n = 0;
export async function fleetEnv(cluster: PgCluster): Promise<FleetEnv> {
  const url = await cluster.createDatabase(`fleet_${process.pid}_${n++}`);
  const store = await openPostgresStore({ connectionString: url, maxConnections: 8 });
  const workspaceRoot = await mkdtemp(join(tmpdir(), 'sessionhub-fleet-'));
  return {
    cluster,
    url,
    store,
    queue: { connectionString: url, heartbeatSeconds: 10, monitorIntervalSeconds: 1, pollingIntervalSeconds: 0.5 },
    workspaceRoot,
    async dispose() {
      await store.close();
      await rm(workspaceRoot, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `test` with a fresh {@link fleetEnv} and a fleet client on it, then closes the client and disposes of
 * the environment, whether `test` passed or threw (`test` stops the workers it started).
 */
export async function withFleet(
  cluster: PgCluster,
  test: (env: FleetEnv, fleet: Fleet) => Promise<void>,
): Promise<void> {
  const env = await fleetEnv(cluster);
  const fleet = await createFleet({ store: env.store, queue: env.queue });
  try {
    await test(env, fleet);
  } finally {
    await fleet.close();
    await env.dispose();
  }
}

/**
 * The fleet's invariants on one finished session's log: seqs 1..n, one `session.created`, exactly
 * one `session.finished` (ended once), and no step started again after its `step.finished`.
 */
export function expectSoundSessionLog(events: readonly SessionEvent[], id: string): void {
  expect(
    events.map((e) => e.seq),
    `${id}: seqs must be 1..n`,
  ).toEqual(events.map((_e, i) => i + 1));
  expect(
    events.filter((e) => e.type === 'session.created'),
    `${id}: one session.created`,
  ).toHaveLength(1);
  expect(
    events.filter((e) => e.type === 'session.finished'),
    `${id}: ends exactly once`,
  ).toHaveLength(1);
  const finished = new Set<string>();
  for (const e of events) {
    if (e.type === 'step.finished') finished.add(e.stepId);
    if (e.type === 'step.started') {
      expect(finished.has(e.stepId), `${id}: step ${e.stepId} started again after it finished`).toBe(false);
    }
  }
}

/**
 * Polls until `check` holds, or fails naming `what` after `timeoutMs`, with what `explain` tells of the state
 * it gave up in (so a failure on a slow machine says where the run stood).
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  explain?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const state = explain ? await explain().catch((e) => `(cannot tell: ${e})`) : '';
      throw new Error(`timed out waiting for ${what}${state ? `\n${state}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls until session `id` is in `state`, and returns it; fails after `timeoutMs` (default that of {@link eventually}). */
export function sessionInState(env: FleetEnv, id: string, state: SessionState, timeoutMs?: number): Promise<Session> {
  return eventually(
    `session ${id} to be ${state}`,
    async () => {
      const s = await env.store.getSession(id);
      return s?.state === state ? s : undefined;
    },
    timeoutMs,
  );
}
