/**
 * Durable throughput on one machine (not a test): sessions per second of the engine on the SQLite
 * store against LangGraph.js running the same plan → execute → verify graph with its SqliteSaver
 * checkpointer, at MATCHED durability, in the same run, with instant actors (so the store and the
 * checkpointer are what is measured). Both run on files on the same disk, in WAL mode:
 * - `full`: SQLite's `synchronous=FULL` on both. SqliteSaver sets only `journal_mode=WAL`
 *   (`setup()` in @langchain/langgraph-checkpoint-sqlite), so it runs at FULL on the connection
 *   that creates its file and at NORMAL on every later open (better-sqlite3's build default for WAL
 *   files, `SQLITE_DEFAULT_WAL_SYNCHRONOUS=1`); the bench sets the level on its connection and
 *   checks it. The store is opened with `synchronous: 'full'`.
 * - `normal`: `synchronous=NORMAL` on both (the store's default).
 * Concurrency 1 and 32; also the store's commits per session (`commitStats`; each one fsync at FULL).
 * `npm run bench:durable -w @sessionhub/core`. Last line: one JSON object.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import Database from 'better-sqlite3';
import { instantHub, runSessions } from './support/instant-actors.js';
import { instantGraph } from './support/instant-graph.js';
import { round } from './support/store-bench.js';

type Sync = 'normal' | 'full';
const SESSIONS = { 1: Number(process.env.BENCH_SESSIONS_C1 ?? 150), 32: Number(process.env.BENCH_SESSIONS_C32 ?? 640) };
const ROUNDS = 4;
// A directory on a real disk: fsync on a tmpfs costs nothing and would hide what durability costs.
const BASE = process.env.BENCH_DIR ?? join(process.cwd(), '.bench-tmp');

/** Milliseconds for `total` sessions, and the store's commits while they ran (each one fsync at FULL). */
async function benchSessionHub(dir: string, sync: Sync, concurrency: number, total: number) {
  const store = await openSqliteStore({ path: join(dir, `hub-${sync}.db`), synchronous: sync, createDirectory: true });
  const hub = instantHub({ workspace: dir, store, concurrency });
  const commitsBefore = store.commitStats.commits;
  const started = performance.now();
  await runSessions(hub, total, concurrency);
  const ms = performance.now() - started;
  const commits = store.commitStats.commits - commitsBefore;
  await store.close();
  return { ms, commits };
}

async function benchLangGraph(dir: string, sync: Sync, concurrency: number, total: number): Promise<number> {
  const db = new Database(join(dir, `langgraph-${sync}.db`));
  const saver = new SqliteSaver(db);
  // setup() switches to WAL and leaves `synchronous` alone. That is FULL on the connection that
  // creates the file, but NORMAL on every later open: better-sqlite3 builds SQLite with
  // SQLITE_DEFAULT_WAL_SYNCHRONOUS=1, and the file stays in WAL mode. So the level is set explicitly.
  db.pragma(`synchronous = ${sync.toUpperCase()}`);
  const graph = instantGraph(saver);
  const started = performance.now();
  await graph.run(total, concurrency);
  const ms = performance.now() - started;
  const level = Number(db.pragma('synchronous', { simple: true }));
  if (level !== (sync === 'full' ? 2 : 1)) throw new Error(`LangGraph's connection runs at synchronous=${level}`);
  db.close();
  return ms;
}

await mkdir(BASE, { recursive: true });
const dir = await mkdtemp(join(BASE, 'durable-'));
const metrics: Record<string, number> = {};
const ratios: Record<string, number> = {};
try {
  for (const sync of ['full', 'normal'] as const) {
    for (const concurrency of [1, 32] as const) {
      const total = SESSIONS[concurrency];
      const perRound = Math.ceil(total / ROUNDS);
      await benchSessionHub(dir, sync, concurrency, 20);
      await benchLangGraph(dir, sync, concurrency, 20);
      let hubMs = 0;
      let hubCommits = 0;
      let lgMs = 0;
      // Alternating rounds, so load from other processes on a shared machine falls on both alike.
      for (let r = 0; r < ROUNDS; r++) {
        const hubRound = await benchSessionHub(dir, sync, concurrency, perRound);
        hubMs += hubRound.ms;
        hubCommits += hubRound.commits;
        lgMs += await benchLangGraph(dir, sync, concurrency, perRound);
      }
      const n = perRound * ROUNDS;
      const hubRate = (n / hubMs) * 1000;
      const lgRate = (n / lgMs) * 1000;
      metrics[`sessionhub_${sync}_c${concurrency}_sessions_per_s`] = round(hubRate, 2);
      metrics[`langgraph_${sync}_c${concurrency}_sessions_per_s`] = round(lgRate, 2);
      metrics[`sessionhub_${sync}_c${concurrency}_commits_per_session`] = round(hubCommits / n, 2);
      ratios[`vs_langgraph_sqlite_${sync}_c${concurrency}`] = round(hubRate / lgRate, 2);
      console.log(
        `synchronous=${sync.toUpperCase()}, concurrency ${concurrency}: SessionHub ${round(hubRate, 2)} sessions/s, ` +
          `LangGraph SqliteSaver ${round(lgRate, 2)} sessions/s (${round(hubRate / lgRate, 2)}x)`,
      );
    }
  }
  // The headline: both at FULL (SqliteSaver's own setting), concurrency 32.
  ratios.vs_langgraph_sqlite = ratios.vs_langgraph_sqlite_full_c32 ?? 0;
  console.log(JSON.stringify({ bench: 'core/durable', metrics, ratios }));
} finally {
  await rm(dir, { recursive: true, force: true });
}
