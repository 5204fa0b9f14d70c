/**
 * store-postgres benchmark (not a test): `npm run bench -w @sessionhub/store-postgres`.
 *
 * 1. Driver choice: the store's append transaction (BEGIN; lock the session row; insert the events;
 *    move last_seq; COMMIT) written on `pg` and on `postgres` (porsager), one session per caller,
 *    at 1 and 16 concurrent callers; and a point read.
 * 2. The store beside store-sqlite: single appends at 1 and 16 concurrent sessions, batches of 100,
 *    and library search p50/p95 over 20,000 sessions, with PostgreSQL flushing every commit
 *    (`fsync=on`, `synchronous_commit=on`) and SQLite at `synchronous: 'full'` (matched durability).
 * The last line is the JSON summary.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@sessionhub/core';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import pg from 'pg';
import postgres from 'postgres';
import {
  librarySessions,
  progress,
  quantile,
  round,
  searchQuery,
  seededRandom,
  sessionOf,
  vocabulary,
} from '../../core/bench/support/store-bench.js';
import { openPostgresStore } from '../src/index.js';
import { startCluster } from '../test/support/cluster.js';

const APPENDS = 3000;
const LIBRARY = 20_000;
const SEARCHES = 400;

async function pool(total: number, concurrency: number, one: (i: number, lane: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      while (next < total) await one(next++, lane);
    }),
  );
}

const DDL = `CREATE TABLE s (pk bigint PRIMARY KEY, last_seq int NOT NULL DEFAULT 0);
  CREATE TABLE e (pk bigint, seq int, data text, PRIMARY KEY (pk, seq));
  INSERT INTO s (pk) SELECT g FROM generate_series(0, 63) g;`;

async function driverBench(url: string) {
  const out: Record<string, number> = {};
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const data = JSON.stringify(progress('x', 1));
  for (const driver of ['pg', 'postgres'] as const) {
    await admin.query('DROP TABLE IF EXISTS s, e');
    await admin.query(DDL);
    const pgPool = new pg.Pool({ connectionString: url, max: 16 });
    const sql = postgres(url, { max: 16, onnotice: () => {} });
    const append = async (pk: number) => {
      if (driver === 'pg') {
        const c = await pgPool.connect();
        try {
          await c.query('BEGIN');
          const row = await c.query('SELECT last_seq FROM s WHERE pk = $1 FOR UPDATE', [pk]);
          const seq = Number(row.rows[0].last_seq) + 1;
          await c.query('WITH i AS (INSERT INTO e VALUES ($1, $2, $3)) UPDATE s SET last_seq = $2 WHERE pk = $1', [
            pk,
            seq,
            data,
          ]);
          await c.query('COMMIT');
        } finally {
          c.release();
        }
      } else {
        await sql.begin(async (tx) => {
          const [row] = await tx`SELECT last_seq FROM s WHERE pk = ${pk} FOR UPDATE`;
          const seq = Number(row?.last_seq) + 1;
          await tx`WITH i AS (INSERT INTO e VALUES (${pk}, ${seq}, ${data})) UPDATE s SET last_seq = ${seq} WHERE pk = ${pk}`;
        });
      }
    };
    for (const concurrency of [1, 16]) {
      const started = performance.now();
      await pool(APPENDS, concurrency, (_i, lane) => append(lane));
      out[`${driver}_append_c${concurrency}_per_s`] = round(APPENDS / ((performance.now() - started) / 1000), 0);
    }
    const started = performance.now();
    for (let i = 0; i < APPENDS; i++) {
      if (driver === 'pg') await pgPool.query('SELECT data FROM e WHERE pk = $1 AND seq = $2', [i % 16, 1]);
      else await sql`SELECT data FROM e WHERE pk = ${i % 16} AND seq = ${1}`;
    }
    out[`${driver}_point_read_per_s`] = round(APPENDS / ((performance.now() - started) / 1000), 0);
    await pgPool.end();
    await sql.end();
  }
  await admin.query('DROP TABLE IF EXISTS s, e');
  await admin.end();
  return out;
}

async function storeBench(name: string, store: Store & { importSessions?: unknown }) {
  const out: Record<string, number> = {};
  for (let i = 0; i < 16; i++) await store.createSession(sessionOf(`a${i}`));
  for (const concurrency of [1, 16]) {
    const started = performance.now();
    await pool(APPENDS, concurrency, (i, lane) =>
      store.appendEvents(`a${lane}`, [progress(`a${lane}`, i)]).then(() => {}),
    );
    out[`${name}_append_c${concurrency}_events_per_s`] = round(APPENDS / ((performance.now() - started) / 1000), 0);
  }
  const started = performance.now();
  for (let i = 0; i < 100; i++) {
    await store.appendEvents(
      'a0',
      Array.from({ length: 100 }, (_, j) => progress('a0', i * 100 + j)),
    );
  }
  out[`${name}_append_batch100_events_per_s`] = round(10_000 / ((performance.now() - started) / 1000), 0);
  const library = [...librarySessions({ count: LIBRARY })];
  const importStarted = performance.now();
  await pool(library.length, 8, (i) => store.createSession(library[i] as (typeof library)[number]));
  out[`${name}_create_sessions_c8_per_s`] = round(LIBRARY / ((performance.now() - importStarted) / 1000), 0);
  const random = seededRandom(9);
  const vocab = vocabulary(2000);
  const word = () => vocab[Math.floor(random() * vocab.length)] as string;
  const samples: number[] = [];
  for (let i = 0; i < SEARCHES; i++) {
    const query = searchQuery(i, word);
    const t = performance.now();
    await store.searchLibrary(query);
    samples.push(performance.now() - t);
  }
  out[`${name}_search_p50_ms`] = round(quantile(samples, 50));
  out[`${name}_search_p95_ms`] = round(quantile(samples, 95));
  return out;
}

const cluster = await startCluster({ settings: { fsync: 'on', synchronous_commit: 'on' } });
const dir = await mkdtemp(join(process.env.BENCH_DIR ?? tmpdir(), 'sessionhub-pg-bench-'));
try {
  const url = await cluster.createDatabase('bench');
  console.log('drivers ...');
  const drivers = await driverBench(url);
  console.log(drivers);
  console.log('stores ...');
  const pgStore = await openPostgresStore({ connectionString: url, maxConnections: 16 });
  const postgresFigures = await storeBench('postgres', pgStore);
  await pgStore.close();
  const sqliteStore = await openSqliteStore({ path: join(dir, 'store.db'), synchronous: 'full' });
  const sqliteFigures = await storeBench('sqlite', sqliteStore);
  await sqliteStore.close();
  console.log(postgresFigures, sqliteFigures);
  const m = { ...drivers, ...postgresFigures, ...sqliteFigures } as Record<string, number>;
  console.log(
    JSON.stringify({
      bench: 'store-postgres/store',
      metrics: m,
      ratios: {
        // The driver the store uses against the other, on the same transaction (above 1: pg ahead).
        pg_vs_postgres_driver_append_c16: round((m.pg_append_c16_per_s ?? 0) / (m.postgres_append_c16_per_s ?? 1), 2),
        vs_sqlite_append_c16_events_per_s: round(
          (m.postgres_append_c16_events_per_s ?? 0) / (m.sqlite_append_c16_events_per_s ?? 1),
          2,
        ),
        vs_sqlite_search_p50: round((m.sqlite_search_p50_ms ?? 0) / (m.postgres_search_p50_ms ?? 1), 2),
      },
    }),
  );
} finally {
  await cluster.destroy();
  await rm(dir, { recursive: true, force: true });
}
