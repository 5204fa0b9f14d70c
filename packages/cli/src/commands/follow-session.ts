import { type SessionHandle, SessionPausedError, type SessionResult, type Store } from '@sessionhub/core';
import type { CassetteRecorder } from '../cassette/recorder.js';
import type { Divergence } from '../cassette/replay.js';
import type { DefaultHub } from '../defaults/create-default-hub.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { howToCall } from '../output/how-to-call.js';
import type { Reporter } from '../output/reporter.js';
import { formatReport, sessionReport } from '../output/session-report.js';

/** What following a session needs besides the hub and the handle. */
export interface FollowOptions {
  reporter: Reporter;
  /** The divergences of a replay, read once the session stopped. */
  divergences?: () => Divergence[];
  /** Saves the cassette once the session stopped. */
  record?: { recorder: CassetteRecorder; file: string };
  /** The project directory to name in the hints (`-C <dir>`), when it is not the current directory. */
  cwd?: string;
}

/** Exit code for a session's result; `interrupted` when this process's Ctrl-C paused it. */
export function exitCodeOf(result: SessionResult, interrupted: boolean): ExitCode {
  const state = result.session.state;
  if (state === 'succeeded') return EXIT.ok;
  if (state === 'failed' || state === 'cancelled') return EXIT.sessionFailed;
  // Paused by Ctrl-C (`hub.pause`): 130, as an interrupted command; by `sessionhub pause` elsewhere: 4, as paused.
  if (interrupted && SessionPausedError.isInstance(result.error)) return EXIT.interrupted;
  return EXIT.paused;
}

/**
 * Shows the session's events until they end, or until the session waits for an approval (an
 * `approval.requested` of the approval gate, not a budget pause, with no decision after it in the log).
 */
function watchEvents(handle: SessionHandle, store: Store, reporter: Reporter): Promise<'approval' | 'ended'> {
  return (async () => {
    for await (const e of handle.events) {
      reporter.event(e);
      if (e.type === 'approval.requested' && !e.budget) {
        const later = await store.readEvents(handle.id, { fromSeq: e.seq + 1 });
        if (!later.some((l) => l.type === 'approval.resolved')) return 'approval' as const;
      }
    }
    return 'ended' as const;
  })();
}

/**
 * Shows a running session until it ends, pauses or waits for approval; Ctrl-C pauses it (`hub.pause`: the step in
 * flight stops, the session stays in its phase, resumable) and a second Ctrl-C exits at once. Then saves the
 * cassette, prints the report (with what the session committed) and returns the exit code.
 */
export async function followSession(app: DefaultHub, handle: SessionHandle, opts: FollowOptions): Promise<ExitCode> {
  const { reporter } = opts;
  const command = howToCall();
  const cli = `${command}${opts.cwd ? ` -C ${opts.cwd}` : ''}`;
  let interrupts = 0;
  let pausedByUser!: () => void;
  const interrupted = new Promise<'interrupted'>((resolve) => {
    pausedByUser = () => resolve('interrupted');
  });
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    reporter.notice('interrupting: pausing the session (Ctrl-C again to exit at once)');
    // Resolves once the pause is durable; a session that ended meanwhile is reported as it ended.
    app.hub.pause(handle.id).then(pausedByUser, pausedByUser);
  };
  process.on('SIGINT', onSigint);
  try {
    const watched = watchEvents(handle, app.store, reporter);
    const first = await Promise.race([watched, handle.result.then(() => 'result' as const), interrupted]);
    // Paused by Ctrl-C while it waited for approval (the pause may settle the result first): say how to decide.
    const pausedWaiting = interrupts > 0 && (await app.hub.get(handle.id))?.state === 'awaiting_approval';
    if (first === 'approval' || pausedWaiting) {
      const session = await app.hub.get(handle.id);
      reporter.notice(session?.instruction ? `\n${session.instruction}\n` : '');
      reporter.notice(
        `Session ${handle.id} waits for approval: ${cli} approve ${handle.id}   (or: ${cli} reject ${handle.id} "<reason>")`,
      );
      reporter.report('', { id: handle.id, state: 'awaiting_approval' });
      return pausedWaiting ? EXIT.interrupted : EXIT.paused;
    }
    const result = await handle.result;
    await watched.catch(() => undefined);
    const git = await app.gitRecord(handle.id, { signal: AbortSignal.timeout(60_000) });
    if (opts.record) {
      const cassette = await opts.record.recorder.save(opts.record.file);
      reporter.notice(`cassette: ${cassette.exchanges.length} model exchanges saved to ${opts.record.file}`);
    }
    const divergences = opts.divergences?.();
    const events = await app.store.readEvents(handle.id);
    const data = sessionReport(result, events, { ...(git ? { git } : {}), ...(divergences ? { divergences } : {}) });
    reporter.report(formatReport(data, { command, ...(opts.cwd ? { cwd: opts.cwd } : {}) }), { ...data });
    const code = exitCodeOf(result, interrupts > 0);
    if (code === EXIT.interrupted || code === EXIT.paused) {
      reporter.notice(`Session ${handle.id} is paused in ${result.session.state}: ${cli} resume ${handle.id}`);
    }
    if (code === EXIT.ok && divergences && divergences.some((d) => d.kind !== 'text')) return EXIT.sessionFailed;
    return code;
  } finally {
    process.off('SIGINT', onSigint);
    reporter.close();
  }
}
