import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CrashTrial, type CrashTrialLimits, runCrashTrials as runTrials } from '@sessionhub/core/testing';
import { encodeId, openFsStore } from '../src/index.js';
import { spawnAppender } from './helpers.js';

/** What one crash trial saw: core's observations, plus the directory store's own. */
export type CrashTrialResult = Omit<CrashTrial, 'sessionId' | 'afterKill' | 'afterReopen'> & {
  /** Whether the log's file ended in a torn (unterminated) line after the kill. */
  tornTail: boolean;
  /**
   * For the last trial and every trial that left a torn line: the seq a later append got (after
   * taking over the dead child's stale lock and truncating any torn line); must be `added + 1`.
   */
  resumedSeq?: number;
  /** Whether the log was whole lines only after that append. */
  resumedClean?: boolean;
};

const eventsFile = (dir: string, sessionId: string) => join(dir, 'sessions', encodeId(sessionId), 'events.jsonl');

/**
 * Runs core's SIGKILL crash trials (`runCrashTrials` of `@sessionhub/core/testing`) on one store
 * directory, noting after each kill whether the log ended in a torn line; then a later writer
 * takes over the dead children's locks and appends to the torn sessions and the last one.
 */
export async function runCrashTrials(
  opts: CrashTrialLimits & {
    dir: string;
    /** Extra bytes per event (see the worker), to make kills land inside multi-page writes. */
    padBytes?: number;
  },
): Promise<CrashTrialResult[]> {
  const { dir } = opts;
  const trials = await runTrials({
    ...opts,
    open: () => openFsStore({ dir }),
    spawnAppender: (args) => spawnAppender(dir, args, { padBytes: opts.padBytes }),
    afterKill: async (sessionId) => {
      const raw = await readFile(eventsFile(dir, sessionId)).catch(() => Buffer.alloc(0));
      return raw.length > 0 && raw[raw.length - 1] !== 0x0a;
    },
  });
  const results: CrashTrialResult[] = trials.map(({ sessionId: _, afterKill, afterReopen: __, ...r }) => ({
    ...r,
    tornTail: afterKill === true,
  }));
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
    const raw = await readFile(eventsFile(dir, id));
    const seqs = (await resumer.readEvents(id)).map((e) => e.seq);
    r.resumedClean = raw[raw.length - 1] === 0x0a && seqs.every((seq, i) => seq === i + 1);
  }
  await resumer.close();
  return results;
}
