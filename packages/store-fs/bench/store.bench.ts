/**
 * Store benchmark (not a test): `npm run bench -w @sessionhub/store-fs`.
 *
 * On a fresh directory (real disk, every append fsynced): append events one by one (10,000, not
 * 100,000: each is its own lock + write + fsync) and 100,000 in batches of 100; read a session
 * with 1,000 events; import 100,000 library sessions and measure search p50/p95; analytics over
 * them with 2,000 sessions' runs of events. Then LangGraph's SqliteSaver storing and reading
 * checkpoints of the same payload, against single appends and single-event reads. Last line: JSON.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import Database from 'better-sqlite3';
import {
  langGraphCheckpoints,
  librarySessions,
  now,
  progress,
  quantile,
  round,
  runEvents,
  searchQuery,
  seededRandom,
  sessionOf,
  storeBenchLine,
  vocabulary,
} from '../../core/bench/support/store-bench.js';
import { openFsStore } from '../src/index.js';

const SINGLE_EVENTS = 10_000;
const BATCHED_EVENTS = 100_000;
const BATCH = 100;
const LIBRARY = 100_000;
const SEARCHES = 400;
const ANALYTICS_SESSIONS = 2_000;
const LANGGRAPH_WRITES = SINGLE_EVENTS;
const READS = 2_000;

async function benchFs(dir: string) {
  const store = await openFsStore({ dir: join(dir, 'fs-store') });
  await store.createSession(sessionOf('single'));
  await store.createSession(sessionOf('batched'));

  let t = now();
  for (let i = 0; i < SINGLE_EVENTS; i++) await store.appendEvents('single', [progress('single', i)]);
  const single = SINGLE_EVENTS / ((now() - t) / 1000);
  console.log(`single appends: ${round(single, 0)}/s`);

  t = now();
  for (let i = 0; i < BATCHED_EVENTS; i += BATCH) {
    await store.appendEvents(
      'batched',
      Array.from({ length: BATCH }, (_, j) => progress('batched', i + j)),
    );
  }
  const batched = BATCHED_EVENTS / ((now() - t) / 1000);
  console.log(`batched appends: ${round(batched, 0)}/s`);

  await store.createSession(sessionOf('thousand'));
  for (let i = 0; i < 10; i++) {
    await store.appendEvents(
      'thousand',
      Array.from({ length: 100 }, (_, j) => progress('thousand', i * 100 + j)),
    );
  }
  const gets: number[] = [];
  for (let i = 0; i < 200; i++) {
    t = now();
    await store.getSession('thousand');
    const events = await store.readEvents('thousand');
    gets.push(now() - t);
    if (events.length !== 1000) throw new Error(`expected 1000 events, read ${events.length}`);
  }

  const random = seededRandom(9);
  t = now();
  for (let i = 0; i < READS; i++) {
    const [event] = await store.readEvents('single', { fromSeq: 1 + Math.floor(random() * SINGLE_EVENTS), limit: 1 });
    if (!event) throw new Error('missing event');
  }
  const reads = READS / ((now() - t) / 1000);

  t = now();
  await store.importSessions(librarySessions({ count: LIBRARY }));
  const imported = LIBRARY / ((now() - t) / 1000);
  console.log(`imported ${LIBRARY} sessions: ${round(imported, 0)}/s`);

  t = now();
  const reopened = await openFsStore({ dir: join(dir, 'fs-store') });
  const openMs = now() - t;

  const vocab = vocabulary(2000);
  const word = () => vocab[Math.floor(random() * vocab.length)] as string;
  const searches: number[] = [];
  let hits = 0;
  for (let i = 0; i < SEARCHES; i++) {
    const query = searchQuery(i, word);
    t = now();
    hits += (await reopened.searchLibrary(query)).length;
    searches.push(now() - t);
  }
  if (hits === 0) throw new Error('searches found nothing');

  for (let i = 0; i < ANALYTICS_SESSIONS; i++) {
    const id = `lib-${i * Math.floor(LIBRARY / ANALYTICS_SESSIONS)}`;
    await reopened.appendEvents(id, runEvents(id, i));
  }
  const analyticsRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    t = now();
    const report = await reopened.analytics({ bucket: i % 2 === 0 ? 'day' : 'week' });
    analyticsRuns.push(now() - t);
    if (report.overall.total !== LIBRARY + 3) throw new Error(`analytics saw ${report.overall.total} sessions`);
  }
  await reopened.close();
  await store.close();
  return {
    append_single_10k_events_per_s: round(single, 0),
    append_batch100_events_per_s: round(batched, 0),
    get_session_1000_events_p50_ms: round(quantile(gets, 50)),
    read_one_event_per_s: round(reads, 0),
    import_sessions_per_s: round(imported, 0),
    open_100k_sessions_ms: round(openMs, 1),
    search_100k_p50_ms: round(quantile(searches, 50)),
    search_100k_p95_ms: round(quantile(searches, 95)),
    analytics_100k_sessions_2k_with_events_ms: round(quantile(analyticsRuns, 50), 1),
  };
}

/** LangGraph's SqliteSaver: one checkpoint per write holding the same event payload, then reads by id. */
async function benchLangGraph(dir: string) {
  // A Database from the workspace's better-sqlite3 (the copy nested under LangGraph may be built for another Node ABI).
  const saver = new SqliteSaver(new Database(join(dir, 'langgraph.db')));
  const lg = langGraphCheckpoints(saver);
  const t = now();
  for (let i = 0; i < LANGGRAPH_WRITES; i++) await lg.write(i);
  const writes = LANGGRAPH_WRITES / ((now() - t) / 1000);
  const random = seededRandom(9);
  const r = now();
  for (let i = 0; i < READS; i++) await lg.read(random());
  const reads = READS / ((now() - r) / 1000);
  const sync = (saver.db as unknown as { pragma(s: string, o: { simple: boolean }): unknown }).pragma('synchronous', {
    simple: true,
  });
  saver.db.close();
  return { writes_per_s: round(writes, 0), reads_per_s: round(reads, 0), sync };
}

const dir = await mkdtemp(join(tmpdir(), 'sessionhub-fs-bench-'));
try {
  console.log('benchmarking store-fs ...');
  const fs = await benchFs(dir);
  console.log('fs', fs);
  console.log('benchmarking LangGraph SqliteSaver ...');
  const langgraph = await benchLangGraph(dir);
  console.log(
    'langgraph',
    langgraph,
    '(store-fs fsyncs every append; SqliteSaver runs with its default synchronous setting)',
  );
  console.log(
    storeBenchLine({
      bench: 'store-fs/store',
      metrics: fs,
      writesPerS: fs.append_single_10k_events_per_s,
      readsPerS: fs.read_one_event_per_s,
      langgraph,
      langgraphWritesMetric: 'langgraph_writes_10k_per_s',
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
