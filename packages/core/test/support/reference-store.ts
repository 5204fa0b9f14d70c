import { StoreError } from '../../src/errors.js';
import type { AnalyticsQuery, AnalyticsReport } from '../../src/model/analytics.js';
import type { NewSessionEvent, SessionEvent } from '../../src/model/events.js';
import type { Session, SessionFilter } from '../../src/model/session.js';
import type { FoundationVersion, Template } from '../../src/model/template.js';
import type { LibraryHit, LibraryQuery, Store, StoreCallOptions } from '../../src/ports/store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import {
  appendConflict,
  checkEventRange,
  checkExpectedSeq,
  checkStoreKey,
  storedJson,
} from '../../src/store/store-input.js';

/**
 * A small store that passes the whole conformance kit: the `MemoryStore` logic behind the
 * shared input checks, a compare-and-append serialised per session, `close()` that waits for
 * calls in flight, and data that outlives `close()` (it stays in `disk`, so `reopen` finds it).
 * The kit's own tests break it one way at a time (mutants) to show that each case bites.
 */
export class ReferenceStore implements Store {
  readonly specificationVersion = 1 as const;
  readonly name = 'reference';
  #closed = false;
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(readonly disk: MemoryStore = new MemoryStore()) {}

  /** A fresh instance over the same data: what a durable store's reopen is. */
  reopen(): ReferenceStore {
    return new (this.constructor as new (disk: MemoryStore) => ReferenceStore)(this.disk);
  }

  /** Checks closed and aborted, then runs `fn` as a call in flight. */
  protected call<T>(opts: StoreCallOptions | undefined, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreError('store.closed', 'reference store is closed'));
    if (opts?.signal?.aborted) return Promise.reject(opts.signal.reason);
    let run: Promise<T>;
    try {
      run = fn();
    } catch (error) {
      return Promise.reject(error);
    }
    this.#inflight.add(run);
    const done = () => this.#inflight.delete(run);
    run.then(done, done);
    return run;
  }

  createSession(session: Session, opts?: StoreCallOptions): Promise<void> {
    return this.call(opts, () => {
      checkStoreKey(session.id, 'session id');
      storedJson(session, 'session');
      return this.disk.createSession(session);
    });
  }

  getSession(id: string, opts?: StoreCallOptions): Promise<Session | undefined> {
    return this.call(opts, () => {
      checkStoreKey(id, 'session id');
      return this.disk.getSession(id);
    });
  }

  updateSession(id: string, patch: Partial<Omit<Session, 'id'>>, opts?: StoreCallOptions): Promise<Session> {
    return this.call(opts, () => {
      checkStoreKey(id, 'session id');
      storedJson(patch, 'session patch');
      return this.disk.updateSession(id, patch);
    });
  }

  listSessions(filter?: SessionFilter, opts?: StoreCallOptions): Promise<Session[]> {
    return this.call(opts, () => this.disk.listSessions(filter));
  }

  appendEvents(
    sessionId: string,
    events: NewSessionEvent[],
    opts?: StoreCallOptions & { expectedSeq?: number },
  ): Promise<SessionEvent[]> {
    return this.call(opts, () => {
      checkStoreKey(sessionId, 'session id');
      const expectedSeq = checkExpectedSeq(opts?.expectedSeq);
      for (const event of events) storedJson(event, 'event');
      const previous = this.#queues.get(sessionId) ?? Promise.resolve();
      const run = previous
        .catch(() => undefined)
        .then(async () => {
          if (expectedSeq !== undefined) {
            if (!(await this.disk.getSession(sessionId))) {
              throw new StoreError('store.not_found', `session ${sessionId} not found`);
            }
            const last = (await this.disk.readEvents(sessionId)).length;
            if (last !== expectedSeq) throw appendConflict(sessionId, expectedSeq, last);
          }
          return this.disk.appendEvents(sessionId, events);
        });
      this.#queues.set(sessionId, run);
      return run;
    });
  }

  readEvents(
    sessionId: string,
    opts?: StoreCallOptions & { fromSeq?: number; limit?: number },
  ): Promise<SessionEvent[]> {
    return this.call(opts, () => {
      checkStoreKey(sessionId, 'session id');
      return this.disk.readEvents(sessionId, checkEventRange(opts));
    });
  }

  searchLibrary(query: LibraryQuery, opts?: StoreCallOptions): Promise<LibraryHit[]> {
    return this.call(opts, () => this.disk.searchLibrary(query));
  }

  putTemplate(template: Template, opts?: StoreCallOptions): Promise<void> {
    return this.call(opts, () => {
      checkStoreKey(template.id, 'template id');
      storedJson(template, 'template');
      return this.disk.putTemplate(template);
    });
  }

  getTemplate(idOrName: string, opts?: StoreCallOptions): Promise<Template | undefined> {
    return this.call(opts, () => this.disk.getTemplate(checkStoreKey(idOrName, 'template id or name')));
  }

  listTemplates(opts?: StoreCallOptions): Promise<Template[]> {
    return this.call(opts, () => this.disk.listTemplates());
  }

  deleteTemplate(id: string, opts?: StoreCallOptions): Promise<boolean> {
    return this.call(opts, () => this.disk.deleteTemplate(checkStoreKey(id, 'template id')));
  }

  addFoundationVersion(version: FoundationVersion, opts?: StoreCallOptions): Promise<void> {
    return this.call(opts, () => {
      storedJson(version, 'foundation version');
      return this.disk.addFoundationVersion(version);
    });
  }

  listFoundationVersions(opts?: StoreCallOptions & { path?: string }): Promise<FoundationVersion[]> {
    return this.call(opts, () => this.disk.listFoundationVersions({ path: opts?.path }));
  }

  analytics(query?: AnalyticsQuery, opts?: StoreCallOptions): Promise<AnalyticsReport> {
    return this.call(opts, () => this.disk.analytics(query));
  }

  async close(): Promise<void> {
    this.#closed = true;
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }
}
