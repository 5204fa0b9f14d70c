import type { AnalyticsQuery, AnalyticsReport } from '../model/analytics.js';
import type { NewSessionEvent, SessionEvent } from '../model/events.js';
import type { Session, SessionFilter, SessionState } from '../model/session.js';
import type { FoundationVersion, Template } from '../model/template.js';

/** Options every store call takes. */
export interface StoreCallOptions {
  signal?: AbortSignal;
}

/** A library search: free text plus filters. */
export interface LibraryQuery {
  /** Free text matched against session name, instruction text, summary and tags. Empty matches all. */
  text?: string;
  state?: SessionState | SessionState[];
  templateId?: string;
  /** Every tag must be present. */
  tags?: string[];
  /** ISO-8601 bounds on `createdAt`. */
  since?: string;
  until?: string;
  limit?: number;
  /**
   * `relevance` (default): best match first. `outcome`: what became of the work first (its latest pull-request
   * `outcome.recorded`: merged, then none, then closed unmerged, then reverted or rolled back; see
   * `LIBRARY_OUTCOME_TIERS`), best match first within each; `limit` applies after this order.
   */
  rankBy?: 'relevance' | 'outcome';
}

/** One library search hit, best first. */
export interface LibraryHit {
  session: Session;
  /** Relevance; higher is better. Comparable only within one result list. */
  score: number;
}

/** What {@link Store.appendEventsAndUpdate} wrote, in one transaction. */
export interface AppendAndUpdateResult {
  /** The stored events, with their `seq` and `at`, as `appendEvents` returns them. */
  events: SessionEvent[];
  /** The session record after the patch, as `updateSession` returns it. */
  session: Session;
}

/**
 * Keeps everything: sessions, their append-only event logs, the searchable library,
 * templates, Foundation versions and analytics.
 *
 * Every adapter must pass `describeStoreConformance` from `@sessionhub/core/testing`.
 * Errors are `StoreError`s with a stable `code`.
 */
export interface Store {
  /** Version of this port's contract the adapter implements. */
  readonly specificationVersion: 1;
  /** Adapter name for logs, e.g. `sqlite`. */
  readonly name: string;

  /** Creates a session. Throws `StoreError` (`store.conflict`) if the id exists. */
  createSession(session: Session, opts?: StoreCallOptions): Promise<void>;
  /** The session, or `undefined`. */
  getSession(id: string, opts?: StoreCallOptions): Promise<Session | undefined>;
  /** Applies a shallow patch (never `id`) and returns the new session. Throws `store.not_found`. */
  updateSession(id: string, patch: Partial<Omit<Session, 'id'>>, opts?: StoreCallOptions): Promise<Session>;
  /** Sessions matching the filter, newest `createdAt` first. */
  listSessions(filter?: SessionFilter, opts?: StoreCallOptions): Promise<Session[]>;

  /**
   * Appends events atomically, assigning gap-free `seq` numbers (the session's first event is 1)
   * and `at`. Safe under concurrent callers, including other processes for durable stores.
   * Returns the stored events. Throws `store.not_found` for an unknown session.
   *
   * With `expectedSeq`, the append is conditional (compare-and-append): it happens only if the
   * session's last stored seq equals `expectedSeq` (0 for a session with no events); otherwise it
   * throws `store.conflict` and writes nothing. Engines use it to own a session exclusively.
   */
  appendEvents(
    sessionId: string,
    events: NewSessionEvent[],
    opts?: StoreCallOptions & { expectedSeq?: number },
  ): Promise<SessionEvent[]>;
  /**
   * Optional capability: `appendEvents(sessionId, events, opts)` and then `updateSession(sessionId, patch)` in
   * ONE atomic transaction, so a writer that keeps a session record beside its log waits for one commit per
   * write instead of two. The same rules as the two calls hold, and the write is all or nothing:
   * - with `expectedSeq`, a log that ends elsewhere throws `store.conflict` and neither the events nor the
   *   patch are applied (the record is unchanged);
   * - an unknown session throws `store.not_found`; a value that cannot be stored, in an event or in the
   *   patch, throws `store.invalid_value`; an aborted `signal` rejects with its reason; in each case nothing
   *   is applied;
   * - `events` may be empty (the patch alone is applied, still conditional on `expectedSeq`).
   *
   * Returns the stored events (as `appendEvents` returns them) and the record after the patch (equal to what
   * `getSession` returns next). A store without it stays valid: callers fall back to the two calls.
   * Optional, so adding it changed no `specificationVersion` (see docs/writing-adapters.md).
   */
  appendEventsAndUpdate?(
    sessionId: string,
    events: NewSessionEvent[],
    patch: Partial<Omit<Session, 'id'>>,
    opts?: StoreCallOptions & { expectedSeq?: number },
  ): Promise<AppendAndUpdateResult>;
  /** Events with `seq >= fromSeq` (default 1), in order, at most `limit`. */
  readEvents(
    sessionId: string,
    opts?: StoreCallOptions & { fromSeq?: number; limit?: number },
  ): Promise<SessionEvent[]>;

  /** Ranked search over the session library. */
  searchLibrary(query: LibraryQuery, opts?: StoreCallOptions): Promise<LibraryHit[]>;

  /** Creates or replaces a template by id. */
  putTemplate(template: Template, opts?: StoreCallOptions): Promise<void>;
  /** A template by id or by name. */
  getTemplate(idOrName: string, opts?: StoreCallOptions): Promise<Template | undefined>;
  listTemplates(opts?: StoreCallOptions): Promise<Template[]>;
  /** Returns whether a template was deleted. */
  deleteTemplate(id: string, opts?: StoreCallOptions): Promise<boolean>;

  /** Records a Foundation document version. */
  addFoundationVersion(version: FoundationVersion, opts?: StoreCallOptions): Promise<void>;
  /** Foundation versions, oldest first. */
  listFoundationVersions(opts?: StoreCallOptions & { path?: string }): Promise<FoundationVersion[]>;

  /** Analytics over sessions and their events; must equal `computeAnalytics` on the same data. */
  analytics(query?: AnalyticsQuery, opts?: StoreCallOptions): Promise<AnalyticsReport>;

  /** Releases resources. Calls after close fail with `store.closed`. */
  close(): Promise<void>;
}
