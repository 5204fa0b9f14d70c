import { StoreError } from '../errors.js';
import type { AnalyticsQuery, AnalyticsReport } from '../model/analytics.js';
import type { NewSessionEvent, SessionEvent } from '../model/events.js';
import type { Session, SessionFilter } from '../model/session.js';
import type { FoundationVersion, Template } from '../model/template.js';
import type { AppendAndUpdateResult, LibraryHit, LibraryQuery, Store, StoreCallOptions } from '../ports/store.js';
import { computeAnalytics } from './analytics.js';
import { searchSessions } from './library-search.js';
import {
  compareSessionsNewestFirst,
  compareStrings,
  instantOf,
  pageOf,
  sessionMatchesFilter,
} from './session-filter.js';
import { sessionOutcome } from './session-outcome.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Clock for event `at` times; default `() => new Date()`. */
  now?: () => Date;
}

/** A deep copy, so callers never share objects with the store. Values must be JSON data. */
function copy<T>(value: T): T {
  try {
    return clonePlain(value, 0) as T;
  } catch (error) {
    throw new StoreError('store.invalid_value', 'value cannot be stored: it is not JSON data', { cause: error });
  }
}

/** Deeper than this is taken for a cycle: store values are JSON data, which has none. */
const MAX_DEPTH = 200;

/**
 * A copy of the plain data a store holds (primitives, arrays, plain objects), several times faster than
 * `structuredClone` on the small records the engine writes. A BigInt, a function, a symbol or a cycle
 * (nesting past {@link MAX_DEPTH}) is refused; any other object (a `Date`, a `Map`) goes to `structuredClone`.
 */
function clonePlain(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
      throw new TypeError(`a ${typeof value} is not JSON data`);
    }
    return value;
  }
  if (depth > MAX_DEPTH) throw new TypeError('a cycle (or nesting too deep) is not JSON data');
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) if (i in value) out[i] = clonePlain(value[i], depth + 1);
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    // Assigning `__proto__` would set the prototype instead of a property.
    if (key === '__proto__')
      Object.defineProperty(out, key, {
        value: clonePlain(source[key], depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = clonePlain(source[key], depth + 1);
  }
  return out;
}

/** Refuses an id that is not well-formed Unicode (a lone surrogate): UTF-8 storage would merge it with others. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkId(id: string): void {
  if (typeof id !== 'string' || LONE_SURROGATE.test(id)) {
    throw new StoreError('store.invalid_value', `id ${JSON.stringify(id)} is not well-formed Unicode`);
  }
}

/** Refuses a bound that is not an integer (`min` and above). */
function checkInteger(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
    throw new StoreError('store.invalid_value', `${name} must be an integer >= ${min}, got ${value}`);
  }
}

/** Drops keys whose value is `undefined`, as a serialising store would. */
function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

/**
 * A {@link Store} held in memory: for tests, examples and short-lived embedded use. Nothing
 * survives the process. Every call works on deep copies and does its work synchronously after
 * its checks, so concurrent callers (interleaving at `await`s) always see atomic appends.
 * Library search uses {@link searchSessions}; analytics uses {@link computeAnalytics}.
 */
export class MemoryStore implements Store {
  readonly specificationVersion = 1 as const;
  readonly name = 'memory';

  readonly #now: () => Date;
  readonly #sessions = new Map<string, Session>();
  readonly #events = new Map<string, SessionEvent[]>();
  readonly #templates = new Map<string, Template>();
  readonly #foundation: FoundationVersion[] = [];
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.#now = options.now ?? (() => new Date());
  }

  /** Throws if the store is closed or the call was aborted. */
  #check(opts?: StoreCallOptions): void {
    if (this.#closed) throw new StoreError('store.closed', `store ${this.name} is closed`);
    opts?.signal?.throwIfAborted();
  }

  async createSession(session: Session, opts?: StoreCallOptions): Promise<void> {
    this.#check(opts);
    checkId(session.id);
    if (this.#sessions.has(session.id)) {
      throw new StoreError('store.conflict', `session ${session.id} already exists`);
    }
    this.#sessions.set(session.id, withoutUndefined(copy(session)));
    this.#events.set(session.id, []);
  }

  async getSession(id: string, opts?: StoreCallOptions): Promise<Session | undefined> {
    this.#check(opts);
    checkId(id);
    const session = this.#sessions.get(id);
    return session ? copy(session) : undefined;
  }

  async updateSession(id: string, patch: Partial<Omit<Session, 'id'>>, opts?: StoreCallOptions): Promise<Session> {
    this.#check(opts);
    const next = this.#patched(id, patch);
    this.#sessions.set(id, next);
    return copy(next);
  }

  /** The record `patch` makes of session `id`, not yet stored. Throws `store.not_found`, `store.invalid_value`. */
  #patched(id: string, patch: Partial<Omit<Session, 'id'>>): Session {
    checkId(id);
    const current = this.#sessions.get(id);
    if (!current) throw new StoreError('store.not_found', `session ${id} not found`);
    return withoutUndefined({ ...current, ...copy(patch), id: current.id });
  }

  async listSessions(filter: SessionFilter = {}, opts?: StoreCallOptions): Promise<Session[]> {
    this.#check(opts);
    const matching = [...this.#sessions.values()].filter((s) => sessionMatchesFilter(s, filter));
    matching.sort(compareSessionsNewestFirst);
    return copy(pageOf(matching, filter));
  }

  async appendEvents(
    sessionId: string,
    events: NewSessionEvent[],
    opts?: StoreCallOptions & { expectedSeq?: number },
  ): Promise<SessionEvent[]> {
    this.#check(opts);
    const { log, stored } = this.#appended(sessionId, events, opts?.expectedSeq);
    log.push(...stored);
    return copy(stored);
  }

  /**
   * Appends and patches the record at once: every check and copy happens before either is stored, and both
   * are stored synchronously, so no other call sees one without the other.
   */
  async appendEventsAndUpdate(
    sessionId: string,
    events: NewSessionEvent[],
    patch: Partial<Omit<Session, 'id'>>,
    opts?: StoreCallOptions & { expectedSeq?: number },
  ): Promise<AppendAndUpdateResult> {
    this.#check(opts);
    const { log, stored } = this.#appended(sessionId, events, opts?.expectedSeq);
    const next = this.#patched(sessionId, patch);
    log.push(...stored);
    this.#sessions.set(sessionId, next);
    return { events: copy(stored), session: copy(next) };
  }

  /** The events an append would store, and the log they go to; touches nothing. */
  #appended(
    sessionId: string,
    events: NewSessionEvent[],
    expectedSeq: number | undefined,
  ): { log: SessionEvent[]; stored: SessionEvent[] } {
    checkId(sessionId);
    checkInteger('expectedSeq', expectedSeq, 0);
    const log = this.#events.get(sessionId);
    if (!log) throw new StoreError('store.not_found', `session ${sessionId} not found`);
    if (expectedSeq !== undefined && expectedSeq !== log.length) {
      throw new StoreError(
        'store.conflict',
        `session ${sessionId}: expected last seq ${expectedSeq}, the log ends at ${log.length}`,
      );
    }
    const at = this.#now().toISOString();
    // Built in full before touching the log, so a bad event (uncloneable) appends nothing.
    const stored = events.map((event, i) => copy({ ...event, sessionId, seq: log.length + i + 1, at }) as SessionEvent);
    return { log, stored };
  }

  async readEvents(
    sessionId: string,
    opts?: StoreCallOptions & { fromSeq?: number; limit?: number },
  ): Promise<SessionEvent[]> {
    this.#check(opts);
    checkId(sessionId);
    checkInteger('fromSeq', opts?.fromSeq, Number.MIN_SAFE_INTEGER);
    checkInteger('limit', opts?.limit, 0);
    const log = this.#events.get(sessionId) ?? [];
    const from = Math.max(1, opts?.fromSeq ?? 1);
    const end = opts?.limit === undefined ? undefined : from - 1 + Math.max(0, opts.limit);
    return copy(log.slice(from - 1, end));
  }

  async searchLibrary(query: LibraryQuery, opts?: StoreCallOptions): Promise<LibraryHit[]> {
    this.#check(opts);
    const outcomes =
      query.rankBy === 'outcome'
        ? new Map([...this.#events].map(([id, events]) => [id, sessionOutcome(events)]))
        : undefined;
    return copy(searchSessions([...this.#sessions.values()], query, outcomes));
  }

  async putTemplate(template: Template, opts?: StoreCallOptions): Promise<void> {
    this.#check(opts);
    this.#templates.set(template.id, withoutUndefined(copy(template)));
  }

  async getTemplate(idOrName: string, opts?: StoreCallOptions): Promise<Template | undefined> {
    this.#check(opts);
    const byId = this.#templates.get(idOrName);
    if (byId) return copy(byId);
    // Names are not unique: the most recently updated template of that name wins.
    const named = [...this.#templates.values()]
      .filter((t) => t.name === idOrName)
      .sort((a, b) => instantOf(b.updatedAt) - instantOf(a.updatedAt) || compareStrings(a.id, b.id));
    return named[0] ? copy(named[0]) : undefined;
  }

  async listTemplates(opts?: StoreCallOptions): Promise<Template[]> {
    this.#check(opts);
    const all = [...this.#templates.values()].sort(
      (a, b) => compareStrings(a.name, b.name) || compareStrings(a.id, b.id),
    );
    return copy(all);
  }

  async deleteTemplate(id: string, opts?: StoreCallOptions): Promise<boolean> {
    this.#check(opts);
    return this.#templates.delete(id);
  }

  async addFoundationVersion(version: FoundationVersion, opts?: StoreCallOptions): Promise<void> {
    this.#check(opts);
    this.#foundation.push(withoutUndefined(copy(version)));
  }

  async listFoundationVersions(opts?: StoreCallOptions & { path?: string }): Promise<FoundationVersion[]> {
    this.#check(opts);
    const path = opts?.path;
    const matching = this.#foundation.filter((v) => path === undefined || v.path === path);
    // Oldest `at` first; a stable sort keeps insertion order for equal (or unparsable, NaN → 0) times.
    return copy([...matching].sort((a, b) => instantOf(a.at) - instantOf(b.at) || 0));
  }

  async analytics(query: AnalyticsQuery = {}, opts?: StoreCallOptions): Promise<AnalyticsReport> {
    this.#check(opts);
    return copy(computeAnalytics([...this.#sessions.values()], this.#events, query));
  }

  /** Marks the store closed; later calls fail with `store.closed`. Closing twice is harmless. */
  async close(): Promise<void> {
    this.#closed = true;
  }
}
