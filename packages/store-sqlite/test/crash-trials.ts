import { join } from 'node:path';
import { openSqliteStore, type SqliteDriverName } from '../src/index.js';
import { APPEND_WORKER, ackedSeqs, seededRandom, sessionOf, spawnTs, waitForLine, watchChild } from './helpers.js';

/** Resolves once the child has printed `count` ack lines, has exited, or `maxMs` passed. */
function waitForAcks(watch: ReturnType<typeof watchChild>, count: number, maxMs: number): Promise<void> {
  let acks = ackedSeqs(watch.lines).length;
  if (acks >= count) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    watch.onLine((line) => {
      if (line.startsWith('ack ') && ++acks >= count) done();
    });
    void watch.exited.then(done);
  });
}

/** What one crash trial saw. */
export interface CrashTrialResult {
  trial: number;
  killAfterAcks: number;
  killAfterMs: number;
  /** Appends the child acknowledged in this trial. */
  acked: number;
  /** Events this trial's session holds (acknowledged, or committed just before the kill). */
  added: number;
  /** Whether every earlier trial's session still holds exactly its events. */
  earlierIntact: boolean;
  integrity: string[];
  /** Acknowledged seqs missing from the reopened store (must be empty). */
  lost: number[];
  /** Whether the stored seqs are exactly 1..stored. */
  gapFree: boolean;
}

/**
 * Runs crash trials on one database file. Trial `t` has a child appending batches to session
 * `crash-t` in a loop; the parent SIGKILLs it after it has acknowledged a random number of events
 * plus a random few milliseconds, then reopens the file and checks `PRAGMA integrity_check`, that
 * every acknowledged seq is present and gap-free, and that every earlier trial's session still
 * holds exactly the events it had. The file is reused, so each trial starts on a crash-left database.
 */
export async function runCrashTrials(opts: {
  dir: string;
  trials: number;
  seed: number;
  /** The child is killed after acknowledging up to this many events... */
  maxKillAfterAcks: number;
  /** ...and then up to this many milliseconds more. */
  maxKillDelayMs: number;
  driver?: SqliteDriverName;
  synchronous?: 'normal' | 'full';
}): Promise<CrashTrialResult[]> {
  const path = join(opts.dir, 'crash.db');
  const random = seededRandom(opts.seed);
  const open = () => openSqliteStore({ path, driver: opts.driver, synchronous: opts.synchronous });
  const setup = await open();
  await setup.createSession(sessionOf('crash-0'));
  await setup.close();
  const results: CrashTrialResult[] = [];
  /** Events each earlier trial's session held when it was checked. */
  const counts: number[] = [];
  const spawnWorker = (trial: number) => {
    const child = spawnTs(APPEND_WORKER, [
      JSON.stringify({
        path,
        sessionId: `crash-${trial}`,
        workerId: `t${trial}`,
        appends: 0,
        batchSizes: [1, 4, 2, 7, 3],
        waitForGo: true,
        driver: opts.driver,
      }),
    ]);
    return { child, watch: watchChild(child) };
  };
  // The next trial's child starts (loads and opens the store) while this trial is checked, so
  // process start-up does not dominate; it only appends once it gets "go".
  let next = spawnWorker(0);
  for (let trial = 0; trial < opts.trials; trial++) {
    const { child, watch } = next;
    await waitForLine(watch, 'ready');
    child.stdin?.write('go\n');
    // Kill once the child has acknowledged a random number of appends, plus a random sub-delay:
    // the kill lands inside the append loop however loaded the machine is.
    const killAfterAcks = Math.floor(random() * opts.maxKillAfterAcks);
    const killAfterMs = Math.floor(random() * opts.maxKillDelayMs);
    // A slow disk (fsync at a checkpoint) may hold the child up: kill it anyway after 10 s.
    await waitForAcks(watch, killAfterAcks, 10_000);
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    child.kill('SIGKILL');
    await watch.exited;

    const acked = ackedSeqs(watch.lines);
    const store = await open();
    const integrity = await store.checkIntegrity();
    const seqs = (await store.readEvents(`crash-${trial}`)).map((e) => e.seq);
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
      killAfterAcks,
      killAfterMs,
      acked: acked.length,
      added: seqs.length,
      integrity,
      lost: acked.filter((s) => !present.has(s)),
      gapFree: seqs.every((s, i) => s === i + 1),
      earlierIntact: earlierIntact.every(Boolean),
    });
  }
  return results;
}
