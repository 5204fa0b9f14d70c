/**
 * Store benchmark (not a test): `npm run bench -w @sessionhub/store-sqlite`.
 *
 * The store on both drivers (node:sqlite, better-sqlite3), each on a fresh file: append 100,000
 * events one by one and in batches of 100; read a session with 1,000 events; import 100,000
 * library sessions and measure search p50/p95; analytics over them with 10,000 sessions' runs of
 * events. LangGraph's SqliteSaver stores and reads checkpoints with the same payload, compared
 * with the store's single appends and single-event reads.
 *
 * Every phase is interleaved: small chunks of work alternate between the systems, so load from
 * other processes on a shared machine falls on all of them alike. The last line is the JSON summary.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import Database from 'better-sqlite3';
import {
  langGraphCheckpoints,
  librarySessions,
  progress,
  quantile,
  round,
  runEvents,
  searchQuery,
  seededRandom,
  sessionOf,
  storeBenchLine,
  timed,
  vocabulary,
} from '../../core/bench/support/store-bench.js';
import { openSqliteStore, type SqliteDriverName, type SqliteStore } from '../src/index.js';

const EVENTS = 100_000;
const BATCH = 100;
const LIBRARY = 100_000;
const SEARCHES = 400;
const ANALYTICS_SESSIONS = 10_000;
const CHUNKS = 100;
const LANGGRAPH_WRITES = 20_000;
const READS = 5_000;

interface DriverFigures {
  append_single_events_per_s: number;
  append_batch100_events_per_s: number;
  get_session_1000_events_p50_ms: number;
  import_sessions_per_s: number;
  search_p50_ms: number;
  search_p95_ms: number;
  analytics_ms: number;
  read_one_event_per_s: number;
  file_mb: number;
}

/** One store under test, with the time it spent per phase. */
interface System {
  driver: SqliteDriverName;
  path: string;
  store: SqliteStore;
  ms: Record<string, number>;
  samples: Record<string, number[]>;
}

/** LangGraph's SqliteSaver on its own file, writing checkpoints that carry one event each. */
function langGraph(dir: string) {
  // Handed a Database from this package's better-sqlite3: the copy nested under the LangGraph
  // package is a native build for another Node ABI here. SqliteSaver sets only journal_mode=WAL, so
  // on this fresh file it would run at SQLite's default synchronous=FULL (NORMAL only on later
  // opens, better-sqlite3's WAL default): set NORMAL, the stores' level here, so both match.
  const db = new Database(join(dir, 'langgraph.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return {
    ms: {} as Record<string, number>,
    samples: {} as Record<string, number[]>,
    db,
    ...langGraphCheckpoints(new SqliteSaver(db)),
  };
}

async function run(dir: string, drivers: SqliteDriverName[]) {
  const systems: System[] = [];
  for (const driver of drivers) {
    const path = join(dir, `${driver.replace(':', '-')}.db`);
    const store = await openSqliteStore({ path, driver });
    for (const id of ['single', 'batched', 'thousand']) await store.createSession(sessionOf(id));
    systems.push({ driver, path, store, ms: {}, samples: {} });
  }
  const lg = langGraph(dir);

  console.log('appending one by one ...');
  const perChunk = EVENTS / CHUNKS;
  const lgPerChunk = LANGGRAPH_WRITES / CHUNKS;
  for (let c = 0; c < CHUNKS; c++) {
    for (const sys of systems) {
      await timed(sys, 'single', async () => {
        for (let i = c * perChunk; i < (c + 1) * perChunk; i++)
          await sys.store.appendEvents('single', [progress('single', i)]);
      });
    }
    await timed(lg, 'write', async () => {
      for (let i = c * lgPerChunk; i < (c + 1) * lgPerChunk; i++) await lg.write(i);
    });
  }

  console.log('appending in batches ...');
  for (let c = 0; c < CHUNKS; c++) {
    for (const sys of systems) {
      await timed(sys, 'batched', async () => {
        for (let i = c * perChunk; i < (c + 1) * perChunk; i += BATCH) {
          await sys.store.appendEvents(
            'batched',
            Array.from({ length: BATCH }, (_, j) => progress('batched', i + j)),
          );
        }
      });
    }
  }

  console.log('reading ...');
  for (const sys of systems) {
    for (let i = 0; i < 10; i++) {
      await sys.store.appendEvents(
        'thousand',
        Array.from({ length: 100 }, (_, j) => progress('thousand', i * 100 + j)),
      );
    }
  }
  for (let i = 0; i < 200; i++) {
    for (const sys of systems) {
      await timed(sys, 'get1000', async () => {
        await sys.store.getSession('thousand');
        const events = await sys.store.readEvents('thousand');
        if (events.length !== 1000) throw new Error(`expected 1000 events, read ${events.length}`);
      });
    }
  }
  const random = seededRandom(9);
  for (let c = 0; c < CHUNKS; c++) {
    const picks = Array.from({ length: READS / CHUNKS }, () => random());
    for (const sys of systems) {
      await timed(sys, 'read', async () => {
        for (const r of picks) {
          const [event] = await sys.store.readEvents('single', { fromSeq: 1 + Math.floor(r * EVENTS), limit: 1 });
          if (!event) throw new Error('missing event');
        }
      });
    }
    await timed(lg, 'read', async () => {
      for (const r of picks) await lg.read(r);
    });
  }

  console.log('importing the library ...');
  const library = [...librarySessions({ count: LIBRARY })];
  const importChunk = LIBRARY / 10;
  for (let c = 0; c < 10; c++) {
    for (const sys of systems) {
      await timed(sys, 'import', () => sys.store.importSessions(library.slice(c * importChunk, (c + 1) * importChunk)));
    }
  }

  console.log('searching ...');
  const vocab = vocabulary(2000);
  const word = () => vocab[Math.floor(random() * vocab.length)] as string;
  for (let i = 0; i < SEARCHES; i++) {
    const query = searchQuery(i, word);
    for (const sys of systems) {
      await timed(sys, 'search', async () => {
        if ((await sys.store.searchLibrary(query)).length === 0 && i % 4 !== 3)
          throw new Error(`no hits for ${query.text}`);
      });
    }
  }

  console.log('analytics ...');
  for (const sys of systems) {
    for (let i = 0; i < ANALYTICS_SESSIONS; i++) {
      const id = `lib-${i * Math.floor(LIBRARY / ANALYTICS_SESSIONS)}`;
      await sys.store.appendEvents(id, runEvents(id, i, { verifySteps: true }));
    }
  }
  for (let i = 0; i < 5; i++) {
    for (const sys of systems) {
      await timed(sys, 'analytics', async () => {
        const report = await sys.store.analytics({ bucket: i % 2 === 0 ? 'day' : 'week' });
        if (report.overall.total !== LIBRARY + 3) throw new Error(`analytics saw ${report.overall.total} sessions`);
      });
    }
  }

  const figures: Record<string, DriverFigures> = {};
  for (const sys of systems) {
    await sys.store.close();
    const { size } = await stat(sys.path);
    const ms = (phase: string) => sys.ms[phase] ?? Number.NaN;
    const samples = (phase: string) => sys.samples[phase] ?? [];
    figures[sys.driver] = {
      append_single_events_per_s: round(EVENTS / (ms('single') / 1000), 0),
      append_batch100_events_per_s: round(EVENTS / (ms('batched') / 1000), 0),
      get_session_1000_events_p50_ms: round(quantile(samples('get1000'), 50)),
      import_sessions_per_s: round(LIBRARY / (ms('import') / 1000), 0),
      search_p50_ms: round(quantile(samples('search'), 50)),
      search_p95_ms: round(quantile(samples('search'), 95)),
      analytics_ms: round(quantile(samples('analytics'), 50)),
      read_one_event_per_s: round(READS / (ms('read') / 1000), 0),
      file_mb: round(size / 1e6, 1),
    };
  }
  lg.db.close();
  const langgraph = {
    writes_per_s: round(LANGGRAPH_WRITES / ((lg.ms.write ?? Number.NaN) / 1000), 0),
    reads_per_s: round(READS / ((lg.ms.read ?? Number.NaN) / 1000), 0),
  };
  return { figures, langgraph };
}

const dir = await mkdtemp(join(tmpdir(), 'sessionhub-bench-'));
try {
  const { figures, langgraph } = await run(dir, ['node:sqlite', 'better-sqlite3']);
  for (const [driver, f] of Object.entries(figures)) console.log(driver, f);
  console.log('langgraph SqliteSaver', langgraph);

  // node:sqlite is the store's default driver (see the README for why).
  const chosen = figures['node:sqlite'] as DriverFigures;
  const other = figures['better-sqlite3'] as DriverFigures;
  const prefixed = (prefix: string, f: DriverFigures) =>
    Object.fromEntries(Object.entries(f).map(([k, v]) => [`${prefix}_${k}`, v]));
  console.log(
    `targets: search p50 ${chosen.search_p50_ms} ms (<= 5: ${chosen.search_p50_ms <= 5 ? 'met' : 'MISSED'}), ` +
      `batched appends ${chosen.append_batch100_events_per_s}/s (>= 50000: ${chosen.append_batch100_events_per_s >= 50_000 ? 'met' : 'MISSED'})`,
  );
  console.log(
    storeBenchLine({
      bench: 'store-sqlite/store',
      metrics: { ...chosen, ...prefixed('node_sqlite', chosen), ...prefixed('better_sqlite3', other) },
      writesPerS: chosen.append_single_events_per_s,
      readsPerS: chosen.read_one_event_per_s,
      langgraph,
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
