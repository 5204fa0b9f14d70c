/**
 * Sessions per CPU second of this process for several modes of the instant-actor engine (e.g. tracing off and
 * on), in interleaved rounds, with medians: how the engine benchmark and `@sessionhub/otel`'s bench measure what
 * a listener on the hub costs. CPU time, not wall time: on a shared machine other processes' load swamps wall
 * time, and interleaving (in alternating order) lets load drift fall on every mode alike.
 */
import type { SessionHub } from '@sessionhub/core';
import { instantHub, runSessions } from './instant-actors.js';

/** Options of {@link sessionsPerCpuSecond}. */
export interface CpuRoundsOptions<M extends string> {
  /** The modes, measured in this order in even rounds and in reverse in odd ones. */
  modes: readonly M[];
  /** Sessions per round. */
  sessions: number;
  /** Measured rounds. */
  rounds: number;
  /** Unmeasured rounds of every mode first, while the JIT compiler settles; default 1. */
  warmupRounds?: number;
  concurrency: number;
  workspace: string;
  /** Sets a mode up on the round's fresh hub; returns what to call once the round is measured (e.g. `tracing.close`). */
  attach(mode: M, hub: SessionHub): (() => void) | undefined;
}

/** What {@link sessionsPerCpuSecond} measured. */
export interface CpuRounds<M extends string> {
  /** Every measured round's sessions per CPU second, by mode, in round order. */
  rounds: Record<M, number[]>;
  /** The median of each mode's rounds. */
  medians: Record<M, number>;
}

/** The median (upper one for an even count) of `xs`; NaN when empty. */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
}

/** Measures every mode in interleaved rounds, each round on a fresh hub and `MemoryStore`. */
export async function sessionsPerCpuSecond<M extends string>(o: CpuRoundsOptions<M>): Promise<CpuRounds<M>> {
  const round = async (mode: M): Promise<number> => {
    const hub = instantHub({ workspace: o.workspace, concurrency: o.concurrency });
    const detach = o.attach(mode, hub);
    const cpu = process.cpuUsage();
    await runSessions(hub, o.sessions, o.concurrency);
    const used = process.cpuUsage(cpu);
    detach?.();
    return o.sessions / ((used.user + used.system) / 1e6);
  };
  for (let r = 0; r < (o.warmupRounds ?? 1); r++) for (const mode of o.modes) await round(mode);
  const rounds = Object.fromEntries(o.modes.map((m) => [m, [] as number[]])) as Record<M, number[]>;
  // Every other round runs the modes in reverse, so whatever a round leaves behind (garbage to collect, a warmer
  // cache) does not always fall on the same mode.
  for (let r = 0; r < o.rounds; r++) {
    for (const mode of r % 2 === 0 ? o.modes : [...o.modes].reverse()) rounds[mode].push(await round(mode));
  }
  const medians = Object.fromEntries(o.modes.map((m) => [m, median(rounds[m])])) as Record<M, number>;
  return { rounds, medians };
}

/** One line per mode: its median and every round, in sessions per CPU second. */
export function describeCpuRounds<M extends string>(result: CpuRounds<M>): string[] {
  return (Object.keys(result.rounds) as M[]).map(
    (mode) =>
      `${mode.padEnd(9)} ${result.medians[mode].toFixed(0)} sessions/CPU-s   rounds: ${result.rounds[mode].map((x) => x.toFixed(0)).join(' ')}`,
  );
}
