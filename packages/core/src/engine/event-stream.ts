import type { SessionEvent } from '../model/events.js';
import type { Store } from '../ports/store.js';

/** Live listeners of one session's events. */
export type SessionListeners = Map<string, Set<(e: SessionEvent) => void>>;

/**
 * A session's events: the stored log first, then live events as they are written, until
 * `session.finished` (or the signal aborts). Subscribes before reading the log and skips by `seq`,
 * so a late subscriber neither loses nor repeats an event.
 */
export async function* sessionEvents(
  store: Store,
  listeners: SessionListeners,
  sessionId: string,
  signal?: AbortSignal,
): AsyncGenerator<SessionEvent> {
  const queue: SessionEvent[] = [];
  let wake: (() => void) | undefined;
  const listener = (e: SessionEvent) => {
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
    for (const e of await store.readEvents(sessionId, signal ? { signal } : {})) {
      last = e.seq;
      yield e;
      if (e.type === 'session.finished') return;
    }
    while (!signal?.aborted) {
      const e = queue.shift();
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
