/**
 * What tracing costs the engine (not a test): sessions per second of an in-memory engine with instant actors
 * (so the engine and its listeners are all that is measured), per CPU second of this process (wall time on a
 * shared machine is mostly other processes' load), in three modes, rounds interleaved, medians taken:
 * - `off`: no instrumentation;
 * - `noop`: `instrumentSessionHub(hub)` with no tracer provider registered (the global no-op tracer): what a
 *   user who installs tracing but exports nowhere pays;
 * - `sdk`: the OpenTelemetry SDK with an in-memory exporter recording every span (for reference).
 * `npm run bench -w @sessionhub/otel`. Last line: one JSON object.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SessionEvent } from '@sessionhub/core';
import { describeCpuRounds, sessionsPerCpuSecond } from '../../core/bench/support/cpu-rounds.js';
import { instantHub, runSessions } from '../../core/bench/support/instant-actors.js';
import { instrumentSessionHub, SessionSpans } from '../src/index.js';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CONCURRENCY = 8;
const WORKSPACE = await mkdtemp(join(tmpdir(), 'sessionhub-otel-bench-'));

let spansPerSession = 0;
const results = await sessionsPerCpuSecond({
  modes: ['off', 'noop', 'sdk'] as const,
  sessions: SESSIONS,
  rounds: ROUNDS,
  concurrency: CONCURRENCY,
  workspace: WORKSPACE,
  attach(mode, hub) {
    if (mode === 'off') return undefined;
    if (mode === 'noop') {
      const tracing = instrumentSessionHub(hub);
      return () => tracing.close();
    }
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracing = instrumentSessionHub(hub, { tracer: provider.getTracer('bench') });
    return () => {
      tracing.close();
      spansPerSession = exporter.getFinishedSpans().length / SESSIONS;
    };
  },
});
// The listener alone, without the engine's noise: one session's events replayed through the no-op tracer.
const events: SessionEvent[] = [];
{
  const hub = instantHub({ workspace: WORKSPACE });
  hub.emitter.on('event', (e) => events.push(e));
  await runSessions(hub, 1, 1);
}
const spansNoop = new SessionSpans(trace.getTracer('bench'));
const REPLAYS = 20_000;
for (let i = 0; i < 2000; i++) for (const e of events) spansNoop.handle(e);
const replayStart = performance.now();
for (let i = 0; i < REPLAYS; i++) for (const e of events) spansNoop.handle(e);
const listenerUsPerSession = ((performance.now() - replayStart) * 1000) / REPLAYS;
await rm(WORKSPACE, { recursive: true, force: true });
const { off, noop, sdk } = results.medians;
console.log(`${SESSIONS} sessions × ${ROUNDS} rounds, concurrency ${CONCURRENCY}, MemoryStore, instant actors`);
for (const line of describeCpuRounds(results)) console.log(line);
console.log(`sdk: ${spansPerSession} spans/session`);
console.log(
  `no-op listener alone: ${listenerUsPerSession.toFixed(2)} µs per session (${events.length} events), vs ${(1e6 / off).toFixed(0)} µs per session of the engine (off median)`,
);
console.log(
  JSON.stringify({
    bench: '@sessionhub/otel/overhead',
    metrics: {
      off_sessions_per_cpu_s: Math.round(off),
      noop_sessions_per_cpu_s: Math.round(noop),
      sdk_sessions_per_cpu_s: Math.round(sdk),
      sdk_spans_per_session: spansPerSession,
      noop_listener_us_per_session: Number(listenerUsPerSession.toFixed(2)),
      off_us_per_session: Math.round(1e6 / off),
    },
    ratios: {
      noop_vs_off_sessions_per_cpu_s: Number((noop / off).toFixed(3)),
      sdk_vs_off_sessions_per_cpu_s: Number((sdk / off).toFixed(3)),
    },
  }),
);
