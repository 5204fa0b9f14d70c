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
import { createSessionHub, MemoryStore } from '@sessionhub/core';
import { instantActors, runPool } from '../../core/bench/support/instant-actors.js';
import { instrumentSessionHub, SessionSpans } from '../src/index.js';

type Mode = 'off' | 'noop' | 'sdk';
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CONCURRENCY = 8;
const WORKSPACE = await mkdtemp(join(tmpdir(), 'sessionhub-otel-bench-'));

async function round(mode: Mode): Promise<{ perS: number; spans: number }> {
  const hub = createSessionHub({
    ...instantActors(WORKSPACE),
    store: new MemoryStore(),
    workspace: WORKSPACE,
    policy: { concurrency: CONCURRENCY, libraryContextSize: 0, foundation: 'skip' },
  });
  const exporter = new InMemorySpanExporter();
  const tracing =
    mode === 'off'
      ? undefined
      : instrumentSessionHub(
          hub,
          mode === 'sdk'
            ? {
                tracer: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer(
                  'bench',
                ),
              }
            : {},
        );
  // CPU time of this process, not wall time: on a shared machine other processes' load swamps wall time.
  const cpu = process.cpuUsage();
  await runPool(SESSIONS, CONCURRENCY, async () => {
    const { session } = await (await hub.run({ request: 'greet visitors by name' })).result;
    if (session.state !== 'succeeded') throw new Error(`session ended ${session.state}: ${session.error?.message}`);
  });
  const used = process.cpuUsage(cpu);
  const ms = (used.user + used.system) / 1000;
  tracing?.close();
  return { perS: (SESSIONS / ms) * 1000, spans: exporter.getFinishedSpans().length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<Mode, number[]> = { off: [], noop: [], sdk: [] };
let spansPerSession = 0;
for (const mode of ['off', 'noop', 'sdk'] as const) await round(mode); // warm-up (JIT)
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of ['off', 'noop', 'sdk'] as const) {
    const { perS, spans } = await round(mode);
    results[mode].push(perS);
    if (mode === 'sdk') spansPerSession = spans / SESSIONS;
  }
}
// The listener alone, without the engine's noise: one session's events replayed through the no-op tracer.
const events: SessionEvent[] = [];
{
  const hub = createSessionHub({
    ...instantActors(WORKSPACE),
    store: new MemoryStore(),
    workspace: WORKSPACE,
    policy: { libraryContextSize: 0, foundation: 'skip' },
  });
  hub.emitter.on('event', (e) => events.push(e));
  await (await hub.run({ request: 'greet visitors by name' })).result;
}
const spansNoop = new SessionSpans(trace.getTracer('bench'));
const REPLAYS = 20_000;
for (let i = 0; i < 2000; i++) for (const e of events) spansNoop.handle(e);
const replayStart = performance.now();
for (let i = 0; i < REPLAYS; i++) for (const e of events) spansNoop.handle(e);
const listenerUsPerSession = ((performance.now() - replayStart) * 1000) / REPLAYS;
await rm(WORKSPACE, { recursive: true, force: true });
const off = median(results.off);
const noop = median(results.noop);
const sdk = median(results.sdk);
console.log(`${SESSIONS} sessions × ${ROUNDS} rounds, concurrency ${CONCURRENCY}, MemoryStore, instant actors`);
console.log(`off  ${off.toFixed(0)} sessions/CPU-s   rounds: ${results.off.map((x) => x.toFixed(0)).join(' ')}`);
console.log(`noop ${noop.toFixed(0)} sessions/CPU-s   rounds: ${results.noop.map((x) => x.toFixed(0)).join(' ')}`);
console.log(
  `sdk  ${sdk.toFixed(0)} sessions/CPU-s   rounds: ${results.sdk.map((x) => x.toFixed(0)).join(' ')} (${spansPerSession} spans/session)`,
);
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
