import type { ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import type { Store } from '../../ports/store.js';
import type { AppendWorkerArgs } from './append-worker.js';
import { ackedSeqs, waitForAcks, waitForLine, watchChild } from './child-process.js';
import { seededRandom, sessionOf } from './fixtures.js';

/** How many crash trials, seeded how, and how late each kill may land. */
export interface CrashTrialLimits {
  trials: number;
  seed: number;
  /** The child is killed after acknowledging up to this many events... */
  maxKillAfterAcks: number;
  /** ...and then up to this many milliseconds more. */
  maxKillDelayMs: number;
}

/** Options of {@link runCrashTrials}; `K` and `R` are what the adapter's own checks return. */
export interface CrashTrialOptions<S extends Store, K, R> extends CrashTrialLimits {
  /** Opens the store under test (the same one every time; the children open it too). */
  open: () => Promise<S>;
  /** Starts the adapter's append worker (see {@link runAppendWorker}) with these arguments. */
  spawnAppender: (args: AppendWorkerArgs) => ChildProcess;
  /** Adapter-specific look at the crash-left files, after the kill and before the store is reopened. */
  afterKill?: (sessionId: string) => Promise<K>;
  /** Adapter-specific check on the reopened store (e.g. an integrity check), before it is read. */
  afterReopen?: (store: S, sessionId: string) => Promise<R>;
}

/** What one crash trial saw. */
export interface CrashTrial<K = undefined, R = undefined> {
  trial: number;
  /** The trial's session, `crash-<trial>`. */
  sessionId: string;
  killAfterAcks: number;
  killAfterMs: number;
  /** Whether the child was still running when killed (the kill landed inside the append loop). */
  killedRunning: boolean;
  /** Appends the child acknowledged in this trial. */
  acked: number;
  /** Events this trial's session holds (acknowledged, or written just before the kill). */
  added: number;
  /** Whether every earlier trial's session still holds exactly its events. */
  earlierIntact: boolean;
  /** Acknowledged seqs missing from the reopened store (must be empty). */
  lost: number[];
  /** Whether the stored seqs are exactly 1..stored. */
  gapFree: boolean;
  /** What `afterKill` returned. */
  afterKill: K | undefined;
  /** What `afterReopen` returned. */
  afterReopen: R | undefined;
}

/**
 * Runs SIGKILL crash trials on one durable store. Trial `t` has a child appending batches to
 * session `crash-t` in a loop; the parent SIGKILLs it after it has acknowledged a random number
 * of events plus a random few milliseconds, then reopens the store and checks that every
 * acknowledged seq is present and gap-free and that every earlier trial's session still holds
 * exactly its events. The store is reused, so each trial starts on a store a crash left behind.
 * Returns the observations; the caller asserts on them.
 */
export async function runCrashTrials<S extends Store, K = undefined, R = undefined>(
  opts: CrashTrialOptions<S, K, R>,
): Promise<CrashTrial<K, R>[]> {
  const random = seededRandom(opts.seed);
  const setup = await opts.open();
  await setup.createSession(sessionOf('crash-0'));
  await setup.close();
  const results: CrashTrial<K, R>[] = [];
  /** Events each earlier trial's session held when it was checked. */
  const counts: number[] = [];
  const spawnWorker = (trial: number) => {
    const child = opts.spawnAppender({
      sessionId: `crash-${trial}`,
      workerId: `t${trial}`,
      appends: 0,
      batchSizes: [1, 4, 2, 7, 3],
      waitForGo: true,
    });
    return { child, watch: watchChild(child) };
  };
  // The next trial's child starts (loads and opens the store) while this trial is checked, so
  // process start-up does not dominate; it only appends once it gets "go".
  let next = spawnWorker(0);
  for (let trial = 0; trial < opts.trials; trial++) {
    const sessionId = `crash-${trial}`;
    const { child, watch } = next;
    await waitForLine(watch, 'ready');
    child.stdin?.write('go\n');
    // Kill once the child has acknowledged a random number of appends, plus a random sub-delay:
    // the kill lands inside the append loop however loaded the machine is.
    const killAfterAcks = Math.floor(random() * opts.maxKillAfterAcks);
    const killAfterMs = Math.floor(random() * opts.maxKillDelayMs);
    // A slow disk (an fsync) may hold the child up: kill it anyway after 10 s.
    await waitForAcks(watch, killAfterAcks, 10_000);
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    const killedRunning = child.exitCode === null && child.signalCode === null;
    child.kill('SIGKILL');
    await watch.exited;

    const acked = ackedSeqs(watch.lines);
    const afterKill = await opts.afterKill?.(sessionId);
    const store = await opts.open();
    const afterReopen = await opts.afterReopen?.(store, sessionId);
    const seqs = (await store.readEvents(sessionId)).map((e) => e.seq);
    // Earlier sessions: the last event is still there and nothing follows it.
    const earlierIntact = await Promise.all(
      counts.map(async (count, t) => {
        const tail = await store.readEvents(`crash-${t}`, { fromSeq: Math.max(1, count), limit: 2 });
        return count === 0 ? tail.length === 0 : tail.length === 1 && tail[0]?.seq === count;
      }),
    );
    counts.push(seqs.length);
    if (trial + 1 < opts.trials) {
      await store.createSession(sessionOf(`crash-${trial + 1}`));
      next = spawnWorker(trial + 1);
    }
    await store.close();
    const present = new Set(seqs);
    results.push({
      trial,
      sessionId,
      killAfterAcks,
      killAfterMs,
      killedRunning,
      acked: acked.length,
      added: seqs.length,
      lost: acked.filter((s) => !present.has(s)),
      gapFree: seqs.every((s, i) => s === i + 1),
      earlierIntact: earlierIntact.every(Boolean),
      afterKill,
      afterReopen,
    });
  }
  return results;
}

/**
 * Asserts (with vitest) what every durable store owes after SIGKILL crash trials: no
 * acknowledged seq lost, seqs gap-free, earlier trials' sessions unchanged, at least the
 * acknowledged events stored, and each child killed only after its trial's number of acks.
 */
export function expectCrashTrialsSound(
  results: ReadonlyArray<
    Pick<
      CrashTrial<unknown, unknown>,
      'trial' | 'lost' | 'gapFree' | 'earlierIntact' | 'added' | 'acked' | 'killAfterAcks'
    >
  >,
): void {
  for (const r of results) {
    expect(r.lost, `trial ${r.trial}: acknowledged appends lost`).toEqual([]);
    expect(r.gapFree, `trial ${r.trial}: seqs not 1..n`).toBe(true);
    expect(r.earlierIntact, `trial ${r.trial}: an earlier trial's events changed`).toBe(true);
    expect(r.added).toBeGreaterThanOrEqual(r.acked);
    // Each child was killed only after acknowledging its trial's number of appends.
    expect(r.acked).toBeGreaterThanOrEqual(r.killAfterAcks);
  }
}

/**
 * Runs crash trials in `lanes` concurrent lanes, each on a fresh directory from `freshDir`
 * (lanes keep a suite fast on several cores; each lane's trials run one after another), and
 * returns every lane's results in lane order. `run` is the adapter's trial runner for one lane.
 */
export async function runCrashLanes<T>(opts: {
  lanes: number;
  freshDir: () => Promise<string>;
  run: (lane: number, dir: string) => Promise<T[]>;
}): Promise<T[]> {
  const lanes = await Promise.all(
    Array.from({ length: opts.lanes }, async (_, lane) => opts.run(lane, await opts.freshDir())),
  );
  return lanes.flat();
}
