import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { type AppendWorkerArgs, adapterTestKit } from '@sessionhub/core/testing';
import pg from 'pg';
import { it } from 'vitest';
import { openPostgresStore, type PostgresStore, type PostgresStoreOptions } from '../../src/index.js';
import { type PgCluster, postgresSkipReason, startCluster } from './cluster.js';

export { type PgCluster, postgresSkipReason, startCluster } from './cluster.js';

/** Why this machine cannot run the PostgreSQL tests (`undefined` in CI, where they must run). */
export const PG_SKIP = postgresSkipReason();

/** Registers one skipped test naming the reason, so a report shows why nothing ran. */
export function skipWithReason(what: string): void {
  it.skip(`${what} [skipped: ${PG_SKIP}]`, () => {});
}

/** Core's durable-store helpers bound to this directory. */
export const kit = adapterTestKit({ testDir: new URL('..', import.meta.url).pathname, tempPrefix: 'sessionhub-pg-' });

/** One cluster per test file, started on first use. */
export function fileCluster(): { get(): Promise<PgCluster>; stop(): Promise<void> } {
  let cluster: Promise<PgCluster> | undefined;
  return {
    get: () => {
      cluster ??= startCluster();
      return cluster;
    },
    stop: async () => {
      if (cluster) await (await cluster).destroy();
    },
  };
}

let counter = 0;
/** A schema name no other case of this run uses. */
export function freshSchema(prefix = 't'): string {
  return `${prefix}_${process.pid}_${counter++}`;
}

/** A stable schema name for a directory (the fault kit names stores by directory). */
export function schemaForDir(dir: string): string {
  return `d_${createHash('sha256').update(dir).digest('hex').slice(0, 16)}`;
}

/** Options for a store in `schema` of the cluster's `postgres` database. */
export function storeOptions(
  cluster: PgCluster,
  schema: string,
  extra: PostgresStoreOptions = {},
): PostgresStoreOptions {
  return { connectionString: cluster.url(), schema, maxConnections: 4, ...extra };
}

export function openIn(cluster: PgCluster, schema: string, extra: PostgresStoreOptions = {}): Promise<PostgresStore> {
  return openPostgresStore(storeOptions(cluster, schema, extra));
}

/** Starts the append worker on `schema`. */
export function spawnAppender(options: PostgresStoreOptions, args: AppendWorkerArgs): ChildProcess {
  return kit.spawnTs(kit.appendWorker, [JSON.stringify({ options, ...args })]);
}

/** One connection, statement and lock timeouts far beyond a test's: only an abort's cancel ends a wait on a lock. */
export const PATIENT: PostgresStoreOptions = { maxConnections: 1, statementTimeoutMs: 600_000, lockTimeoutMs: 600_000 };

/** A connected client on the cluster's `postgres` database, to hold locks and watch the server with; `end()` it. */
export async function adminClient(cluster: { get(): Promise<PgCluster> }): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: (await cluster.get()).url() });
  await client.connect();
  return client;
}

/** Polls every 50 ms until `check` gives a value other than `undefined` or `false`; fails naming `what` after 15 s. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
