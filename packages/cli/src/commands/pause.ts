import { type SessionEvent, SessionStateError, type Store } from '@sessionhub/core';
import { badInput } from '../cli-error.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { howToCall } from '../output/how-to-call.js';
import { createReporter, outputMode } from '../output/reporter.js';
import { type GlobalOptions, projectContext, projectHub } from './context.js';

/** How long `pause` waits for the process that runs the session to stop it. */
const WAIT_MS = 60_000;
const POLL_MS = 100;

/**
 * `sessionhub pause <id>`: pauses a session another live process runs (a `sessionhub run`, `resume` or `approve`
 * in another terminal, the inspector, an app). The pause is recorded in the session's log for that process
 * (`hub.pause`), which stops the step in flight and releases the session; this waits until it has (at most a
 * minute, or until Ctrl-C: the pause still takes effect). `sessionhub resume <id>` continues it.
 *
 * Exit 0 once paused (or requested, when the owner has not applied it within the wait); 4 when no process runs
 * the session (it is paused already, or its process died: `resume` continues it); 2 for an unknown or ended one.
 */
export async function pauseCommand(id: string, flags: GlobalOptions): Promise<ExitCode> {
  const ctx = await projectContext(flags);
  const app = await projectHub(ctx, {
    // Nothing runs here: the key and the sandbox are never used.
    apiKey: process.env.ANTHROPIC_API_KEY ?? 'not-used-to-pause-a-session',
    sandbox: 'unisolated',
  });
  const out = createReporter(outputMode(flags));
  const resume = `${howToCall()}${flags.cwd ? ` -C ${flags.cwd}` : ''} resume ${id}`;
  try {
    const before = await app.store.readEvents(id);
    try {
      await app.hub.pause(id);
    } catch (error) {
      if (!SessionStateError.isInstance(error)) throw error;
      if (error.code === 'session.not_found') {
        throw badInput('cli.unknown_session', error.message, 'list them with: sessionhub sessions list');
      }
      if (error.code !== 'session.not_running') throw error;
      const state = (await app.hub.get(id))?.state ?? 'unknown';
      out.report(`session ${id} is not running (stopped in ${state}): ${resume} continues it`, {
        id,
        state,
        running: false,
      });
      return EXIT.paused;
    }
    const stop = await untilStopped(app.store, id, (before.at(-1)?.seq ?? 0) + 1);
    const state = (await app.hub.get(id))?.state ?? 'unknown';
    if (stop?.type === 'session.finished') {
      // It ended before the pause reached it.
      out.report(`session ${id} ended ${state} before it could be paused`, { id, state, paused: false });
      return state === 'succeeded' ? EXIT.ok : EXIT.sessionFailed;
    }
    if (stop) {
      out.report(`session ${id}: paused in ${state}; ${resume} continues it`, { id, state, paused: true });
    } else {
      out.report(`session ${id}: pause requested; the process that runs it has not applied it yet`, {
        id,
        state,
        paused: false,
        requested: true,
      });
    }
    return EXIT.ok;
  } finally {
    out.close();
    await app.close();
  }
}

/**
 * Reads the log from `fromSeq` until the owner released the session or it finished; `undefined` after
 * {@link WAIT_MS} or on Ctrl-C.
 */
async function untilStopped(store: Store, id: string, fromSeq: number): Promise<SessionEvent | undefined> {
  const interrupted = new AbortController();
  const onInterrupt = () => interrupted.abort();
  process.once('SIGINT', onInterrupt);
  const deadline = Date.now() + WAIT_MS;
  try {
    let seq = fromSeq;
    while (!interrupted.signal.aborted && Date.now() < deadline) {
      for (const event of await store.readEvents(id, { fromSeq: seq })) {
        seq = event.seq + 1;
        if (event.type === 'session.released' || event.type === 'session.finished') return event;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return undefined;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
