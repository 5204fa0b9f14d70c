import type { SessionEvent, Store } from '@sessionhub/core';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { InspectorHub } from '../types.js';

/** Events read from the store per round. */
const BATCH = 500;
/** A comment line keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events of one session's log from `fromSeq` on: every stored event as an `event` message (id = seq),
 * then `end` once `session.finished` is sent. It follows the store's log by seq, so sessions run by another
 * process (the CLI, a worker) stream too; a local hub's emitter only wakes it sooner.
 */
export function liveStream(
  c: Context,
  o: { store: Store; hub: InspectorHub | undefined; sessionId: string; fromSeq: number; pollMs: number },
): Response {
  return streamSSE(c, async (stream) => {
    const aborted = new AbortController();
    stream.onAbort(() => aborted.abort());
    let wake: (() => void) | undefined;
    const onEvent = (e: SessionEvent) => {
      if (e.sessionId === o.sessionId) wake?.();
    };
    o.hub?.emitter?.on('event', onEvent);
    let next = o.fromSeq;
    let lastWrite = Date.now();
    try {
      while (!aborted.signal.aborted) {
        const events = await o.store.readEvents(o.sessionId, { fromSeq: next, limit: BATCH, signal: aborted.signal });
        for (const e of events) {
          await stream.writeSSE({ event: 'event', id: String(e.seq), data: JSON.stringify(e) });
          next = e.seq + 1;
          lastWrite = Date.now();
          if (e.type === 'session.finished') {
            await stream.writeSSE({ event: 'end', data: String(e.seq) });
            return;
          }
        }
        if (events.length === BATCH) continue;
        if (Date.now() - lastWrite >= HEARTBEAT_MS) {
          await stream.write(': heartbeat\n\n');
          lastWrite = Date.now();
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, o.pollMs);
          function done() {
            clearTimeout(timer);
            wake = undefined;
            aborted.signal.removeEventListener('abort', done);
            resolve();
          }
          wake = done;
          aborted.signal.addEventListener('abort', done, { once: true });
        });
      }
    } catch (error) {
      if (!aborted.signal.aborted) {
        const message = error instanceof Error ? error.message : String(error);
        await stream.writeSSE({ event: 'failure', data: JSON.stringify({ message }) });
      }
    } finally {
      o.hub?.emitter?.off('event', onEvent);
    }
  });
}
