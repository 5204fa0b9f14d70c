/**
 * Engine overhead: 10,000 sessions (10 alternating rounds of 1,000, each on a fresh engine and store)
 * with instant actors on MemoryStore, at concurrency 1 and 32, against LangGraph.js running a
 * plan → execute → verify StateGraph with the same instant nodes and its MemorySaver checkpointer.
 * Not a test. Last line: one JSON object (see ARCHITECTURE.md).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotation, END, MemorySaver, START, StateGraph } from '@langchain/langgraph';
import { checkInstruction, createSessionHub, MemoryStore } from '@sessionhub/core';
import { instantActors, nextInstruction, REPORT, runPool, VERDICT } from './support/instant-actors.js';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10_000);
const WARMUP = Math.min(500, SESSIONS);

async function benchSessionHub(workspace: string, concurrency: number, total: number): Promise<number> {
  const hub = createSessionHub({
    ...instantActors(workspace),
    store: new MemoryStore(),
    workspace,
    // The library search and the Foundation document have no LangGraph counterpart; the rest runs as by default.
    policy: { concurrency, libraryContextSize: 0, foundation: 'skip' },
  });
  const started = performance.now();
  await runPool(total, concurrency, async () => {
    const handle = await hub.run({ request: 'greet visitors by name' });
    const { session } = await handle.result;
    if (session.state !== 'succeeded') throw new Error(`session ended ${session.state}: ${session.error?.message}`);
  });
  return performance.now() - started;
}

async function benchLangGraph(concurrency: number, total: number): Promise<number> {
  const State = Annotation.Root({
    request: Annotation<string>(),
    instruction: Annotation<string>(),
    report: Annotation<typeof REPORT>(),
    verdict: Annotation<typeof VERDICT>(),
  });
  const graph = new StateGraph(State)
    .addNode('plan', async () => ({ instruction: nextInstruction() }))
    .addNode('execute', async () => ({ report: REPORT }))
    .addNode('verify', async () => ({ verdict: VERDICT }))
    .addEdge(START, 'plan')
    .addEdge('plan', 'execute')
    .addEdge('execute', 'verify')
    .addEdge('verify', END)
    .compile({ checkpointer: new MemorySaver() });
  let thread = 0;
  const started = performance.now();
  await runPool(total, concurrency, async () => {
    const out = await graph.invoke(
      { request: 'greet visitors by name' },
      { configurable: { thread_id: `t${concurrency}-${thread++}` } },
    );
    if (!out.verdict.passed) throw new Error('graph failed');
  });
  return performance.now() - started;
}

const workspace = await mkdtemp(join(tmpdir(), 'sessionhub-bench-'));
const metrics: Record<string, number> = {};
const ratios: Record<string, number> = {};
// The machine may be shared: the two contenders run in alternating rounds so load drift hits both alike.
const ROUNDS = 10;
for (const concurrency of [1, 32]) {
  await benchSessionHub(workspace, concurrency, WARMUP);
  await benchLangGraph(concurrency, WARMUP);
  let hubMs = 0;
  let lgMs = 0;
  const perRound = Math.ceil(SESSIONS / ROUNDS);
  for (let r = 0; r < ROUNDS; r++) {
    hubMs += await benchSessionHub(workspace, concurrency, perRound);
    lgMs += await benchLangGraph(concurrency, perRound);
  }
  const total = perRound * ROUNDS;
  const hubRate = (total / hubMs) * 1000;
  const lgRate = (total / lgMs) * 1000;
  metrics[`sessionhub_c${concurrency}_sessions_per_s`] = round(hubRate);
  metrics[`langgraph_c${concurrency}_sessions_per_s`] = round(lgRate);
  metrics[`sessionhub_c${concurrency}_per_session_ms`] = round(hubMs / total, 4);
  metrics[`langgraph_c${concurrency}_per_session_ms`] = round(lgMs / total, 4);
  ratios[`vs_langgraph_c${concurrency}_sessions_per_s`] = round(hubRate / lgRate);
  console.log(
    `concurrency ${concurrency}: SessionHub ${round(hubRate)} sessions/s (${round(hubMs / total, 4)} ms each), ` +
      `LangGraph ${round(lgRate)} sessions/s (${round(lgMs / total, 4)} ms each)`,
  );
}
// What the actor-boundary check (parse + lint of the planner's text, by @sessionhub/format) costs per session.
const lintStarted = performance.now();
for (let i = 0; i < 2000; i++) checkInstruction(nextInstruction(), undefined);
metrics.boundary_check_per_session_ms = round((performance.now() - lintStarted) / 2000, 4);
console.log(`actor-boundary check (parse + lint): ${metrics.boundary_check_per_session_ms} ms per instruction`);
metrics.sessions = SESSIONS;
ratios.vs_langgraph_sessions_per_s = Math.min(
  ratios.vs_langgraph_c1_sessions_per_s ?? 0,
  ratios.vs_langgraph_c32_sessions_per_s ?? 0,
);
console.log(JSON.stringify({ bench: 'core/engine', metrics, ratios }));

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
