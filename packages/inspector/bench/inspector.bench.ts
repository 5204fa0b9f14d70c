/**
 * Inspector benchmark (not a test): `npm run bench -w @sessionhub/inspector`.
 *
 * 1. API: `GET /api/sessions?limit=50` over HTTP (startInspector) on a SQLite store of 100,000 sessions (the
 *    store's bulk import): p50/p95 of the newest page, a filtered page and a deep page (offset 50,000). The
 *    baseline, in the same run, is what a UI without server-side pagination does: read every session, then slice.
 * 2. Browser: a session of 10,000 events; time from navigation until its timeline is rendered and scrolled to
 *    its last event in headless Chromium (median of 5 loads), and how many rows the DOM held (virtualized).
 *
 * The last line is the JSON summary; ratios above 1 mean the inspector is ahead (of the baseline or the target).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewSessionEvent, Session } from '@sessionhub/core';
import { librarySessions } from '@sessionhub/core/testing';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { startInspector } from '../src/index.js';
import { browserMissing, buildPage, launch } from '../test/support/browser.js';

const SESSIONS = Number(process.env.INSPECTOR_BENCH_SESSIONS ?? 100_000);
const EVENTS = 10_000;
const RUNS = 200;

/** The little of the DOM the bench touches in the page. */
type PageGlobals = {
  document: {
    querySelector(
      selector: string,
    ): { getAttribute(name: string): string | null; scrollTop: number; scrollHeight: number } | null;
  };
};

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? Number.NaN;
};
const round = (x: number) => Math.round(x * 100) / 100;

async function timeGets(url: string, headers: Record<string, string>, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers });
    const body = (await res.json()) as { sessions: unknown[] };
    if (!res.ok || body.sessions.length === 0) throw new Error(`bad answer ${res.status}`);
    if (i >= 5) times.push(performance.now() - t);
  }
  return times;
}

/** A long session: planning, then 10,000 events of executor progress, gates and the ending. */
function longLog(id: string): NewSessionEvent[] {
  const e: NewSessionEvent[] = [
    { type: 'session.created', sessionId: id, input: { kind: 'request', request: 'A long session' } },
    { type: 'state.changed', sessionId: id, from: 'created', to: 'planning' },
    { type: 'step.started', sessionId: id, stepId: 'plan:0', step: 'plan', attempt: 0 },
    {
      type: 'instruction.accepted',
      sessionId: id,
      text: 'Session 1.1: Long\nOBJECTIVES:\n1. Many steps\n',
      version: '1.1',
      name: 'Long',
      fix: false,
    },
    { type: 'step.finished', sessionId: id, stepId: 'plan:0', step: 'plan', output: { text: '', fix: false } },
    { type: 'state.changed', sessionId: id, from: 'planning', to: 'executing' },
    { type: 'step.started', sessionId: id, stepId: 'execute:0', step: 'execute', attempt: 0 },
  ];
  while (e.length < EVENTS - 6) {
    const n = e.length;
    e.push(
      n % 3 === 0
        ? {
            type: 'executor.progress',
            sessionId: id,
            kind: 'tool_call',
            message: `run_command step ${n}`,
            data: { tool: 'run_command' },
          }
        : n % 3 === 1
          ? {
              type: 'executor.progress',
              sessionId: id,
              kind: 'output',
              message: `exit code 0: step ${n}`,
              data: { stdout: `line ${n}\n`.repeat(5) },
            }
          : {
              type: 'executor.progress',
              sessionId: id,
              kind: 'file_change',
              message: `wrote src/file-${n}.ts`,
              data: { path: `src/file-${n}.ts` },
            },
    );
  }
  e.push(
    {
      type: 'step.finished',
      sessionId: id,
      stepId: 'execute:0',
      step: 'execute',
      output: {
        summary: 'done',
        changedFiles: [],
        usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
      },
    },
    { type: 'state.changed', sessionId: id, from: 'executing', to: 'verifying' },
    { type: 'step.started', sessionId: id, stepId: 'verify:0', step: 'verify', attempt: 0 },
    {
      type: 'verifier.gate',
      sessionId: id,
      attempt: 0,
      result: { name: 'tests', passed: true, durationMs: 10, output: 'ok', failures: [] },
    },
    { type: 'step.finished', sessionId: id, stepId: 'verify:0', step: 'verify', output: { passed: true, gates: [] } },
    { type: 'session.finished', sessionId: id, state: 'succeeded' },
  );
  return e;
}

const dir = await mkdtemp(join(tmpdir(), 'sessionhub-inspector-bench-'));
try {
  const store = await openSqliteStore({ path: join(dir, 'bench.db') });
  let t = performance.now();
  await store.importSessions(librarySessions({ count: SESSIONS }));
  console.log(`imported ${SESSIONS.toLocaleString('en')} sessions in ${Math.round(performance.now() - t)} ms`);
  const at = new Date().toISOString();
  const long: Session = {
    id: 'long-session',
    state: 'succeeded',
    input: { kind: 'request', request: 'A long session' },
    createdAt: at,
    updatedAt: at,
    tags: [],
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
    fixAttempts: 0,
  };
  await store.createSession(long);
  const log = longLog(long.id);
  for (let i = 0; i < log.length; i += 1000) await store.appendEvents(long.id, log.slice(i, i + 1000));

  const inspector = await startInspector({ store, port: 0 });
  const origin = new URL(inspector.url).origin;
  const token = /token=(.+)$/.exec(new URL(inspector.url).hash)?.[1] ?? '';
  const auth = { authorization: `Bearer ${token}` };
  const newest = await timeGets(`${origin}/api/sessions?limit=50`, auth, RUNS);
  const filtered = await timeGets(`${origin}/api/sessions?limit=50&state=failed&template=tpl-7`, auth, RUNS);
  const deep = await timeGets(`${origin}/api/sessions?limit=50&offset=${SESSIONS / 2}`, auth, 50);
  // What the page waits for before it can draw: the whole log, in pages of 5,000.
  const eventReads: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    for (let from = 1; from <= EVENTS; from += 5000) {
      const res = await fetch(`${origin}/api/sessions/${long.id}/events?from=${from}&limit=5000`, { headers: auth });
      await res.json();
    }
    eventReads.push(performance.now() - t);
  }
  console.log(`reading the 10,000-event log over HTTP: median ${round(quantile(eventReads, 0.5))} ms`);
  // Baseline: every session read, then one page sliced off (a UI without server-side pagination).
  const naive: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    const all = await store.listSessions();
    JSON.stringify(all.slice(0, 50));
    naive.push(performance.now() - t);
  }
  console.log(
    `list p50 ${round(quantile(newest, 0.5))} ms, p95 ${round(quantile(newest, 0.95))} ms (newest page, HTTP)`,
  );
  console.log(
    `filtered p50 ${round(quantile(filtered, 0.5))} ms; offset ${SESSIONS / 2} p50 ${round(quantile(deep, 0.5))} ms`,
  );
  console.log(`baseline (read all, slice) p50 ${round(quantile(naive, 0.5))} ms`);

  const metrics: Record<string, number> = {
    api_list_p50_ms: round(quantile(newest, 0.5)),
    api_list_p95_ms: round(quantile(newest, 0.95)),
    api_list_filtered_p50_ms: round(quantile(filtered, 0.5)),
    api_list_offset_half_p50_ms: round(quantile(deep, 0.5)),
    baseline_read_all_p50_ms: round(quantile(naive, 0.5)),
    api_events_10k_read_ms: round(quantile(eventReads, 0.5)),
  };
  const ratios: Record<string, number> = {
    vs_read_all_list_p50: round(quantile(naive, 0.5) / quantile(newest, 0.5)),
    target_20ms_over_list_p50: round(20 / quantile(newest, 0.5)),
  };

  const missing = browserMissing();
  if (missing) console.log(`browser part skipped: ${missing}`);
  else {
    buildPage();
    const browser = await launch();
    const loads: number[] = [];
    let domRows = 0;
    try {
      for (let i = 0; i < 6; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        const start = Date.now();
        await page.goto(`${origin}/#/sessions/${long.id}&token=${token}`);
        // Page-side code sees the page's globals; this file is compiled without the DOM library, hence the casts.
        await page
          .waitForFunction(
            (n) =>
              Number(
                (globalThis as unknown as PageGlobals).document.querySelector('.timeline')?.getAttribute('data-rows'),
              ) >= n,
            EVENTS - 10,
          )
          .catch(async (error: unknown) => {
            console.log(`page: ${await page.locator('main').textContent()}`);
            throw error;
          });
        await page.evaluate(() => {
          const el = (globalThis as unknown as PageGlobals).document.querySelector('.timeline');
          if (el) el.scrollTop = el.scrollHeight;
        });
        await page.waitForSelector(`.row[data-seq="${EVENTS}"]`);
        if (i > 0) loads.push(Date.now() - start);
        domRows = await page.locator('.row').count();
        await page.close();
      }
    } finally {
      await browser.close();
    }
    console.log(
      `timeline of ${EVENTS} events rendered and scrolled to its end: median ${quantile(loads, 0.5)} ms (${domRows} rows in the DOM)`,
    );
    metrics.timeline_10k_ready_ms = quantile(loads, 0.5);
    metrics.timeline_10k_dom_rows = domRows;
    ratios.target_1000ms_over_timeline_ready = round(1000 / quantile(loads, 0.5));
  }
  await inspector.close();
  await store.close();
  console.log(JSON.stringify({ bench: 'inspector/api-and-timeline', metrics, ratios }));
} finally {
  await rm(dir, { recursive: true, force: true });
}
