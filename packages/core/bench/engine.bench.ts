/**
 * Engine overhead: 10,000 sessions (10 alternating rounds of 1,000, each on a fresh engine and store)
 * with instant actors on MemoryStore, at concurrency 1 and 32, against LangGraph.js running a
 * plan → execute → verify StateGraph with the same instant nodes and its MemorySaver checkpointer.
 * Then what tracing costs when no tracer provider is registered: the engine with `instrumentSessionHub(hub)`
 * of `@sessionhub/otel` against the plain engine, per CPU second, interleaved rounds, medians
 * (`ratios.tracing_noop_vs_off`, 1.0 when it costs nothing), beside an A/A control (`off` measured twice) that
 * shows the run's noise.
 * Not a test. Last line: one JSON object (see ARCHITECTURE.md).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySaver } from '@langchain/langgraph';
import { checkInstruction } from '@sessionhub/core';
import { instrumentSessionHub } from '@sessionhub/otel';
import { describeCpuRounds, sessionsPerCpuSecond } from './support/cpu-rounds.js';
import { instantHub, nextInstruction, runSessions } from './support/instant-actors.js';
import { instantGraph } from './support/instant-graph.js';
import { round } from './support/store-bench.js';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10_000);
const WARMUP = Math.min(500, SESSIONS);
const TRACING = {
  sessions: Number(process.env.BENCH_TRACING_SESSIONS ?? 400),
  rounds: Number(process.env.BENCH_TRACING_ROUNDS ?? 9),
  concurrency: 8,
};

/** Milliseconds `total` sessions take on a fresh hub. */
async function benchSessionHub(workspace: string, concurrency: number, total: number): Promise<number> {
  const hub = instantHub({ workspace, concurrency });
  const started = performance.now();
  await runSessions(hub, total, concurrency);
  return performance.now() - started;
}

/** Milliseconds `total` runs take on a fresh graph with its in-memory checkpointer. */
async function benchLangGraph(concurrency: number, total: number): Promise<number> {
  const graph = instantGraph(new MemorySaver());
  const started = performance.now();
  await graph.run(total, concurrency);
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
  metrics[`sessionhub_c${concurrency}_sessions_per_s`] = round(hubRate, 2);
  metrics[`langgraph_c${concurrency}_sessions_per_s`] = round(lgRate, 2);
  metrics[`sessionhub_c${concurrency}_per_session_ms`] = round(hubMs / total, 4);
  metrics[`langgraph_c${concurrency}_per_session_ms`] = round(lgMs / total, 4);
  ratios[`vs_langgraph_c${concurrency}_sessions_per_s`] = round(hubRate / lgRate, 2);
  console.log(
    `concurrency ${concurrency}: SessionHub ${round(hubRate, 2)} sessions/s (${round(hubMs / total, 4)} ms each), ` +
      `LangGraph ${round(lgRate, 2)} sessions/s (${round(lgMs / total, 4)} ms each)`,
  );
}
// What the actor-boundary check (parse + lint of the planner's text, by @sessionhub/format) costs per session.
const lintStarted = performance.now();
for (let i = 0; i < 2000; i++) checkInstruction(nextInstruction(), undefined);
metrics.boundary_check_per_session_ms = round((performance.now() - lintStarted) / 2000, 4);
console.log(`actor-boundary check (parse + lint): ${metrics.boundary_check_per_session_ms} ms per instruction`);

// Tracing installed but exporting nowhere: `instrumentSessionHub(hub)` with no tracer provider registered
// (the global no-op tracer), against no instrumentation. Only the mode differs between the two. `off_again` is
// `off` once more, in the same rounds: its ratio to `off` is this run's noise floor, against which to read the
// no-op ratio (on a shared machine, CPU time per session moves by ±10-20% between rounds).
const tracing = await sessionsPerCpuSecond({
  modes: ['off', 'noop', 'off_again'] as const,
  ...TRACING,
  workspace,
  attach: (mode, hub) => {
    if (mode !== 'noop') return undefined;
    const instrumented = instrumentSessionHub(hub);
    return () => instrumented.close();
  },
});
console.log(
  `tracing (${TRACING.sessions} sessions × ${TRACING.rounds} rounds, concurrency ${TRACING.concurrency}, ` +
    'MemoryStore, instant actors, per CPU second of this process, rounds interleaved, medians):',
);
for (const line of describeCpuRounds(tracing)) console.log(`  ${line}`);
metrics.tracing_off_sessions_per_cpu_s = Math.round(tracing.medians.off);
metrics.tracing_noop_sessions_per_cpu_s = Math.round(tracing.medians.noop);
metrics.tracing_off_again_sessions_per_cpu_s = Math.round(tracing.medians.off_again);
metrics.tracing_sessions_per_round = TRACING.sessions;
metrics.tracing_rounds = TRACING.rounds;
metrics.tracing_concurrency = TRACING.concurrency;
ratios.tracing_noop_vs_off = round(tracing.medians.noop / tracing.medians.off, 3);
// Not a comparison with a baseline but the control: how far apart two identical modes land in this run.
metrics.tracing_off_again_vs_off = round(tracing.medians.off_again / tracing.medians.off, 3);
console.log(
  `  no-op ÷ off: ${ratios.tracing_noop_vs_off}; off again ÷ off (the noise floor): ${metrics.tracing_off_again_vs_off}`,
);
await rm(workspace, { recursive: true, force: true });

metrics.sessions = SESSIONS;
ratios.vs_langgraph_sessions_per_s = Math.min(
  ratios.vs_langgraph_c1_sessions_per_s ?? 0,
  ratios.vs_langgraph_c32_sessions_per_s ?? 0,
);
console.log(JSON.stringify({ bench: 'core/engine', metrics, ratios }));
