import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeId, openFsStore } from '../src/index.js';
import {
  APPEND_WORKER,
  ackedSeqs,
  type ChildWatch,
  seededRandom,
  sessionOf,
  spawnTs,
  waitForLine,
  watchChild,
} from './helpers.js';

/** Resolves once the child has printed `count` ack lines, has exited, or `maxMs` passed. */
function waitForAcks(watch: ChildWatch, count: number, maxMs: number): Promise<void> {
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
  /** Whether the child was still running when killed (the kill landed inside the append loop). */
  killedRunning: boolean;
  /** Appends the child acknowledged in this trial. */
  acked: number;
  /** Events this trial's session holds (acknowledged, or written just before the kill). */
  added: number;
  /** Whether the log's file ended in a torn (unterminated) line after the kill. */
  tornTail: boolean;
  /** Whether every earlier trial's session still holds exactly its events. */
  earlierIntact: boolean;
  /** Acknowledged seqs missing from the reopened store (must be empty). */
  lost: number[];
  /** Whether the stored seqs are exactly 1..stored. */
  gapFree: boolean;
  /**
   * For the last trial and every trial that left a torn line: the seq a later append got (after
   * taking over the dead child's stale lock and truncating any torn line); must be `added + 1`.
   */
  resumedSeq?: number;
  /** Whether the log was whole lines only after that append. */
  resumedClean?: boolean;
}

/**
 * Runs crash trials on one store directory. Trial `t` has a child appending batches to session
 * `crash-t` in a loop; the parent SIGKILLs it after it has acknowledged a random number of events
 * plus a random few milliseconds, then opens the store and checks that every acknowledged seq is
 * present and gap-free and that every earlier trial's session still holds exactly its events.
 * The directory is reused, so each trial starts on a store a crash left behind.
 */
export async function runCrashTrials(opts: {
  dir: string;
  trials: number;
  seed: number;
  /** The child is killed after acknowledging up to this many events... */
  maxKillAfterAcks: number;
  /** ...and then up to this many milliseconds more. */
  maxKillDelayMs: number;
  /** Extra bytes per event (see the worker), to make kills land inside multi-page writes. */
  padBytes?: number;
}): Promise<CrashTrialResult[]> {
  const { dir } = opts;
  const random = seededRandom(opts.seed);
  const setup = await openFsStore({ dir });
  await setup.createSession(sessionOf('crash-0'));
  await setup.close();
  const results: CrashTrialResult[] = [];
  const counts: number[] = [];
  const spawnWorker = (trial: number) => {
    const child = spawnTs(APPEND_WORKER, [
      JSON.stringify({
        dir,
        sessionId: `crash-${trial}`,
        workerId: `t${trial}`,
        appends: 0,
        batchSizes: [1, 4, 2, 7, 3],
        waitForGo: true,
        padBytes: opts.padBytes,
      }),
    ]);
    return { child, watch: watchChild(child) };
  };
  // The next trial's child starts (loads and opens the store) while this trial is checked.
  let next = spawnWorker(0);
  for (let trial = 0; trial < opts.trials; trial++) {
    const { child, watch } = next;
    await waitForLine(watch, 'ready');
    child.stdin?.write('go\n');
    const killAfterAcks = Math.floor(random() * opts.maxKillAfterAcks);
    const killAfterMs = Math.floor(random() * opts.maxKillDelayMs);
    await waitForAcks(watch, killAfterAcks, 10_000);
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    const killedRunning = child.exitCode === null && child.signalCode === null;
    child.kill('SIGKILL');
    await watch.exited;

    const acked = ackedSeqs(watch.lines);
    const raw = await readFile(join(dir, 'sessions', encodeId(`crash-${trial}`), 'events.jsonl')).catch(() =>
      Buffer.alloc(0),
    );
    const tornTail = raw.length > 0 && raw[raw.length - 1] !== 0x0a;
    const store = await openFsStore({ dir });
    const seqs = (await store.readEvents(`crash-${trial}`)).map((e) => e.seq);
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
      killedRunning,
      acked: acked.length,
      added: seqs.length,
      tornTail,
      lost: acked.filter((s) => !present.has(s)),
      gapFree: seqs.every((s, i) => s === i + 1),
      earlierIntact: earlierIntact.every(Boolean),
    });
  }
  // A later writer takes over each lock the killed children left (stale after 2 s) and appends
  // after the last complete line: torn lines are truncated, nothing acknowledged is lost.
  const resumer = await openFsStore({ dir, lock: { staleMs: 2000 } });
  for (const r of results) {
    if (!r.tornTail && r.trial !== results.length - 1) continue;
    const id = `crash-${r.trial}`;
    const [event] = await resumer.appendEvents(id, [
      { type: 'executor.progress', sessionId: id, kind: 'output', message: 'after the crash' },
    ]);
    r.resumedSeq = event?.seq;
    const raw = await readFile(join(dir, 'sessions', encodeId(id), 'events.jsonl'));
    const seqs = (await resumer.readEvents(id)).map((e) => e.seq);
    r.resumedClean = raw[raw.length - 1] === 0x0a && seqs.every((seq, i) => seq === i + 1);
  }
  await resumer.close();
  return results;
}
