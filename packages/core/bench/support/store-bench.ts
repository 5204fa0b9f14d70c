/**
 * Pieces the durable Store adapters' benchmarks share (imported by relative path; benches are not
 * published): timing, percentiles, the event payloads both stores and the baseline write, search
 * queries, and LangGraph checkpoint writes/reads through a saver the bench constructs (so core
 * gains no LangGraph dependency).
 */
import type { NewSessionEvent } from '../../src/index.js';

// The fixtures of core's durable-store testing kit, from their own files: the kit's index pulls in vitest.
export { seededRandom, sessionOf } from '../../src/testing/durable-store/fixtures.js';
export { librarySessions, vocabulary } from '../../src/testing/durable-store/library-fixture.js';

/** Milliseconds, high resolution. */
export const now = (): number => performance.now();

/** `n` rounded to `digits` decimals. */
export const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

/** The `p`th percentile (nearest rank) of `values`; 0 when empty. */
export function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Per-phase total milliseconds and samples of one system under test. */
export interface Timings {
  ms: Record<string, number>;
  samples: Record<string, number[]>;
}

/** Times `fn` and adds the milliseconds to `sys.ms[phase]` (and to its samples). */
export async function timed(sys: Timings, phase: string, fn: () => Promise<unknown>): Promise<void> {
  const t = now();
  await fn();
  const ms = now() - t;
  sys.ms[phase] = (sys.ms[phase] ?? 0) + ms;
  const list = sys.samples[phase] ?? [];
  list.push(ms);
  sys.samples[phase] = list;
}

/** A progress event of about 200 bytes of JSON, the payload both stores (and the baseline) write. */
export function progress(sessionId: string, i: number): NewSessionEvent {
  return {
    type: 'executor.progress',
    sessionId,
    kind: 'tool_call',
    message: `edited src/module-${i % 97}.ts: added input validation and tests`,
    data: { tool: 'edit', file: `src/module-${i % 97}.ts`, lines: i % 300 },
  };
}

/**
 * One realistic run's events for the analytics part: plan, execute, a gate (every 4th fails),
 * finished. With `verifySteps`, the verify step's started/finished events are included too.
 */
export function runEvents(sessionId: string, i: number, opts: { verifySteps?: boolean } = {}): NewSessionEvent[] {
  const failed = i % 4 === 0;
  const usage = { inputTokens: 1000 + i, outputTokens: 200, cacheReadTokens: 50, cacheWriteTokens: 10, costUsd: 0.012 };
  const gate: NewSessionEvent = {
    type: 'verifier.gate',
    sessionId,
    attempt: 1,
    result: {
      name: ['tests', 'lint', 'types'][i % 3] as string,
      passed: !failed,
      durationMs: 100 + (i % 50),
      output: '',
      failures: failed ? [{ message: `Expected ${i % 7} to equal ${i % 5} in /repo/src/m${i % 9}.test.ts` }] : [],
    },
  };
  const verify: NewSessionEvent[] = opts.verifySteps
    ? [
        { type: 'step.started', sessionId, stepId: 'verify:1', step: 'verify', attempt: 1 },
        gate,
        { type: 'step.finished', sessionId, stepId: 'verify:1', step: 'verify', output: {} },
      ]
    : [gate];
  return [
    { type: 'step.started', sessionId, stepId: 'plan:0', step: 'plan', attempt: 0 },
    { type: 'usage.recorded', sessionId, phase: 'planning', usage },
    { type: 'step.finished', sessionId, stepId: 'plan:0', step: 'plan', output: {} },
    { type: 'step.started', sessionId, stepId: 'execute:1', step: 'execute', attempt: 1 },
    { type: 'usage.recorded', sessionId, phase: 'execution', usage },
    { type: 'step.finished', sessionId, stepId: 'execute:1', step: 'execute', output: {} },
    ...verify,
    failed
      ? {
          type: 'session.finished',
          sessionId,
          state: 'failed',
          error: { code: 'verify.failed', message: 'Failed 1 time' },
        }
      : { type: 'session.finished', sessionId, state: 'succeeded' },
  ];
}

/** Search query `i` of the bench's mix: one word, two words, one word + state, one word + tag. */
export function searchQuery(i: number, word: () => string) {
  const kind = i % 4;
  if (kind === 0) return { text: word(), limit: 20 };
  if (kind === 1) return { text: `${word()} ${word()}`, limit: 20 };
  if (kind === 2) return { text: word(), state: 'succeeded' as const, limit: 20 };
  return { text: word(), tags: [`tag${i % 40}`], limit: 20 };
}

/** The part of a LangGraph checkpoint saver (e.g. `SqliteSaver`) the baseline uses. */
export interface CheckpointSaverLike {
  put(
    config: { configurable: { thread_id: string; checkpoint_ns: string; checkpoint_id?: string } },
    checkpoint: {
      v: number;
      id: string;
      ts: string;
      channel_values: Record<string, unknown>;
      channel_versions: Record<string, number>;
      versions_seen: Record<string, never>;
    },
    metadata: { source: 'loop'; step: number; parents: Record<string, never> },
  ): Promise<unknown>;
  getTuple(config: {
    configurable: { thread_id: string; checkpoint_ns: string; checkpoint_id?: string };
  }): Promise<unknown>;
}

/**
 * The LangGraph baseline: `write(i)` stores checkpoint `i` carrying `progress('thread-1', i)` as a
 * child of the previous one; `read(r)` (r in [0, 1)) reads a written checkpoint by id.
 */
export function langGraphCheckpoints(saver: CheckpointSaverLike) {
  const configurable = { thread_id: 'thread-1', checkpoint_ns: '' };
  const ids: string[] = [];
  let parent: string | undefined;
  return {
    async write(i: number): Promise<void> {
      const id = String(i + 1).padStart(12, '0');
      const checkpoint = {
        v: 4,
        id,
        ts: new Date().toISOString(),
        channel_values: { event: progress('thread-1', i) },
        channel_versions: { event: i + 1 },
        versions_seen: {},
      };
      await saver.put({ configurable: { ...configurable, checkpoint_id: parent } }, checkpoint, {
        source: 'loop',
        step: i,
        parents: {},
      });
      ids.push(id);
      parent = id;
    },
    async read(r: number): Promise<void> {
      const tuple = await saver.getTuple({
        configurable: { ...configurable, checkpoint_id: ids[Math.floor(r * ids.length)] },
      });
      if (!tuple) throw new Error('missing checkpoint');
    },
  };
}

/** LangGraph SqliteSaver's figures measured in the same run, the baseline of the store benchmarks. */
export interface LangGraphFigures {
  writes_per_s: number;
  reads_per_s: number;
}

/**
 * The last line of a store benchmark (see ARCHITECTURE.md, Benchmarks): the store's metrics, the
 * baseline's, and the ratios against it, each above 1 when SessionHub is ahead. `writesPerS` and
 * `readsPerS` are the store's figures for the same work as the baseline's writes and reads.
 */
export function storeBenchLine(opts: {
  bench: string;
  metrics: Record<string, number>;
  writesPerS: number;
  readsPerS: number;
  langgraph: LangGraphFigures;
  /** Metric name of the baseline's writes; default `langgraph_writes_per_s`. */
  langgraphWritesMetric?: string;
}): string {
  return JSON.stringify({
    bench: opts.bench,
    metrics: {
      ...opts.metrics,
      [opts.langgraphWritesMetric ?? 'langgraph_writes_per_s']: opts.langgraph.writes_per_s,
      langgraph_reads_per_s: opts.langgraph.reads_per_s,
    },
    ratios: {
      vs_langgraph_writes_per_s: round(opts.writesPerS / opts.langgraph.writes_per_s, 2),
      vs_langgraph_reads_per_s: round(opts.readsPerS / opts.langgraph.reads_per_s, 2),
    },
  });
}
