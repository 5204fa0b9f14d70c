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
}

/** One library search hit, best first. */
export interface LibraryHit {
  session: Session;
  /** Relevance; higher is better. Comparable only within one result list. */
  score: number;
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
