import type { SessionEvent } from '../model/events.js';
import type { Store } from '../ports/store.js';

/** Told to a session's live listeners when it stops without finishing: it is paused, resumable. */
export const SESSION_PAUSED: unique symbol = Symbol('session paused');

/** A live listener: every stored event of the session, then {@link SESSION_PAUSED} if it pauses. */
export type SessionListener = (e: SessionEvent | typeof SESSION_PAUSED) => void;

/** Live listeners of one session's events. */
export type SessionListeners = Map<string, Set<SessionListener>>;

/** A session's events as an iterable: each iteration starts anew with {@link sessionEvents}. */
export class SessionEventStream implements AsyncIterable<SessionEvent> {
  constructor(
    private readonly store: Store,
    private readonly listeners: SessionListeners,
    private readonly sessionId: string,
    private readonly signal: AbortSignal | undefined,
    private readonly isRunning: (sessionId: string) => boolean,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<SessionEvent> {
    return sessionEvents(this.store, this.listeners, this.sessionId, this.signal, this.isRunning);
  }
}

/**
 * A session's events: the stored log first, then live events as they are written, until
 * `session.finished`, until the session pauses (a log ending in `session.released` or `step.failed`
 * with no engine here running it, or a pause while following), or until the signal aborts. Subscribes before reading
 * the log and skips by `seq`, so a late subscriber neither loses nor repeats an event.
 */
export async function* sessionEvents(
  store: Store,
  listeners: SessionListeners,
  sessionId: string,
  signal?: AbortSignal,
  isRunning: (sessionId: string) => boolean = () => false,
): AsyncGenerator<SessionEvent> {
  const queue: Array<SessionEvent | typeof SESSION_PAUSED> = [];
  let wake: (() => void) | undefined;
  const listener: SessionListener = (e) => {
    queue.push(e);
    wake?.();
  };
  const onAbort = () => wake?.();
  const set = listeners.get(sessionId) ?? new Set();
  listeners.set(sessionId, set);
  set.add(listener);
  signal?.addEventListener('abort', onAbort);
  try {
    let last = 0;
    let lastType: SessionEvent['type'] | undefined;
    for (const e of await store.readEvents(sessionId, signal ? { signal } : {})) {
      last = e.seq;
      lastType = e.type;
      yield e;
      if (e.type === 'session.finished') return;
    }
    // A paused session's log ends with `session.released` (older logs: the `step.failed` of its
    // interrupted step): nothing follows until someone resumes it.
    if ((lastType === 'step.failed' || lastType === 'session.released') && !isRunning(sessionId)) return;
    while (!signal?.aborted) {
      const e = queue.shift();
      if (e === SESSION_PAUSED) return;
      if (!e) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      if (e.seq <= last) continue;
      last = e.seq;
      yield e;
      if (e.type === 'session.finished') return;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    set.delete(listener);
    if (set.size === 0 && listeners.get(sessionId) === set) listeners.delete(sessionId);
  }
}
