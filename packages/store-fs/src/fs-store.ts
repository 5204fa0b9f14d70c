import * as nodeFs from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import {
  type AnalyticsQuery,
  type AnalyticsReport,
  checkEventRange,
  checkExpectedSeq,
  checkStoreKey,
  compareSessionsNewestFirst,
  computeAnalytics,
  type FoundationVersion,
  type LibraryHit,
  type LibraryQuery,
  type NewSessionEvent,
  type Session,
  type SessionEvent,
  type SessionFilter,
  type SessionOutcome,
  type Store,
  type StoreCallOptions,
  StoreError,
  searchSessions,
  sessionInAnalyticsScope,
  sessionMatchesFilter,
  sessionOutcome,
  type Template,
  tokenizeForSearch,
} from '@sessionhub/core';
import { appendDurably, fsyncDirectory, writeFileAtomic } from './atomic-write.js';
import { EventLog } from './event-log.js';
import { corruptFile, errnoOf, isMissing, storeIoError } from './io-errors.js';
import { completeLines, parseLine } from './jsonl.js';
import { encodeId, Layout } from './layout.js';
import { LibraryIndex } from './library-index.js';
import { type HeldLock, PathLocks } from './locks.js';
import { readOrCreateMeta } from './meta.js';
import type { FsStoreOptions, StoreFs } from './options.js';
import { writeAll } from './write-all.js';

/** A JSON round trip: a deep copy without `undefined` fields, or `store.invalid_value`. */
function plain<T>(value: T, what: string): T {
  try {
    return JSON.parse(JSON.stringify(value)) as T;
  } catch (cause) {
    throw new StoreError('store.invalid_value', `${what} cannot be stored: it is not plain JSON data`, { cause });
  }
}

/**
 * An id the store files things under: well-formed Unicode (`checkStoreKey`), and short enough
 * for a file name (255 bytes); anything else is refused up front with `store.invalid_value`.
 */
function checkId(id: unknown, what: string): void {
  checkStoreKey(id, what);
  if (encodeId(id as string).length > 240) {
    throw new StoreError(
      'store.invalid_value',
      `${what} is too long for a file name (${(id as string).length} characters)`,
    );
  }
}

const instant = (iso: string) => Date.parse(iso);
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A durable {@link Store} on a directory (layout and guarantees in the package README):
 * one directory per session with `session.json` (replaced atomically) and `events.jsonl`
 * (appended and fsynced per batch, seqs assigned under a cross-process lock), a library index,
 * templates and Foundation versions. Several processes may share one directory.
 * Open it with {@link openFsStore}.
 */
export class FsStore implements Store {
  readonly specificationVersion = 1 as const;
  readonly name = 'fs';
  /** The store's directory. */
  readonly dir: string;
  /** Whether the store was opened read-only. */
  readonly readonly: boolean;

  readonly #fs: StoreFs;
  readonly #layout: Layout;
  readonly #locks: PathLocks;
  readonly #events: EventLog;
  readonly #index: LibraryIndex;
  readonly #now: () => Date;
  #closed = false;
  readonly #inflight = new Set<Promise<unknown>>();
  /** Identity of `meta.json` as read at open; a change is re-checked before the next write. */
  #metaVersion: string | undefined;
  #metaCheckedAt = 0;

  /** @internal Use {@link openFsStore}. */
  constructor(options: FsStoreOptions, fs: StoreFs) {
    this.dir = options.dir;
    this.readonly = options.readonly ?? false;
    this.#fs = fs;
    this.#layout = new Layout(options.dir);
    this.#locks = new PathLocks(fs, this.#layout.lockOwners, options.lock);
    this.#events = new EventLog(fs);
    this.#index = new LibraryIndex(fs, this.#layout, this.#locks);
    this.#now = options.now ?? (() => new Date());
  }

  /** @internal Opens the directory: checks it, reads `meta.json` and loads the library index. */
  async open(createDirectory: boolean): Promise<void> {
    const fsp = this.#fs.promises;
    let stat: nodeFs.Stats | undefined;
    try {
      stat = await fsp.stat(this.dir);
    } catch (error) {
      if (!isMissing(error)) throw storeIoError(error, `open ${this.dir}`);
    }
    if (!stat) {
      if (this.readonly || !createDirectory) {
        throw new StoreError('store.unavailable', `store directory ${this.dir} does not exist`);
      }
      try {
        await fsp.mkdir(this.dir, { recursive: true });
      } catch (error) {
        throw storeIoError(error, `create store directory ${this.dir}`);
      }
    } else if (!stat.isDirectory()) {
      throw new StoreError('store.unavailable', `${this.dir} is not a directory`);
    }
    if (!this.readonly) {
      try {
        await fsp.access(this.dir, nodeFs.constants.W_OK);
      } catch (error) {
        throw new StoreError(
          'store.read_only',
          `store directory ${this.dir} is not writable (${errnoOf(error) ?? 'error'}); open it with { readonly: true } to read`,
          { cause: error },
        );
      }
    }
    await readOrCreateMeta(this.#fs, this.#layout, { readonly: this.readonly });
    try {
      if (!this.readonly) {
        for (const dir of [
          this.#layout.sessions,
          this.#layout.library,
          this.#layout.templates,
          this.#layout.foundation,
        ]) {
          await fsp.mkdir(dir, { recursive: true });
        }
      }
      await this.#index.refresh();
      await this.#index.addMissing({ write: !this.readonly });
    } catch (error) {
      throw storeIoError(error, `open ${this.dir}`);
    }
  }

  /** Throws if the store is closed or the call was aborted. */
  #check(opts?: StoreCallOptions, write = false): void {
    if (this.#closed) throw new StoreError('store.closed', `store fs at ${this.dir} is closed`);
    opts?.signal?.throwIfAborted();
    if (write && this.readonly) throw new StoreError('store.read_only', `store fs at ${this.dir} was opened readonly`);
  }

  /**
   * {@link #io} for a write: first checks that no newer version of the package has since
   * installed a newer layout (`meta.json`), which this process would write in the old one.
   */
  #writing<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return this.#io(what, async () => {
      await this.#checkSchema();
      return fn();
    });
  }

  /**
   * `store.schema_too_new` if `meta.json` changed since open to a newer `schemaVersion`. Looks at
   * most once a second (one `stat`), so a newer layout stops this process's writes within a second.
   */
  async #checkSchema(): Promise<void> {
    const now = Date.now();
    if (this.#metaVersion !== undefined && now - this.#metaCheckedAt < 1000 && now >= this.#metaCheckedAt) return;
    const stat = await this.#fs.promises.stat(this.#layout.meta);
    const version = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    if (version !== this.#metaVersion) {
      await readOrCreateMeta(this.#fs, this.#layout, { readonly: true });
      this.#metaVersion = version;
    }
    this.#metaCheckedAt = now;
  }

  /**
   * Runs a file-system operation, turning its failures into `StoreError`s. The operation counts
   * as in flight until it settles: `close()` waits for it.
   */
  async #io<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const run = (async () => {
      try {
        return await fn();
      } catch (error) {
        throw storeIoError(error, what);
      }
    })();
    this.#inflight.add(run);
    try {
      return await run;
    } finally {
      this.#inflight.delete(run);
    }
  }

  async #readSession(id: string): Promise<Session | undefined> {
    const path = this.#layout.sessionFile(id);
    let text: string;
    try {
      text = await this.#fs.promises.readFile(path, 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as Session;
    } catch (cause) {
      throw corruptFile(path, 'it is not JSON', cause);
    }
  }

  /** Runs `fn` under the session's lock; a missing session directory is `store.not_found`. */
  async #withSessionLock<T>(id: string, fn: (held: HeldLock) => Promise<T>): Promise<T> {
    try {
      return await this.#locks.withLock(this.#layout.sessionLock(id), fn);
    } catch (error) {
      if (isMissing(error)) throw new StoreError('store.not_found', `session ${id} not found`, { cause: error });
      throw error;
    }
  }

  async createSession(session: Session, opts?: StoreCallOptions): Promise<void> {
    this.#check(opts, true);
    checkId(session?.id, 'session id');
    const stored = plain(session, 'session');
    await this.#writing(`create session ${session.id}`, async () => {
      await this.#fs.promises.mkdir(this.#layout.sessionDir(session.id), { recursive: true });
      await this.#withSessionLock(session.id, async (held) => {
        // The file, not the directory, marks existence: a directory alone is a create cut short.
        if (await this.#readSession(session.id)) {
          throw new StoreError('store.conflict', `session ${session.id} already exists`);
        }
        await writeFileAtomic(this.#fs, this.#layout.sessionFile(session.id), JSON.stringify(stored), {
          beforeReplace: () => held.verify(),
        });
        await fsyncDirectory(this.#fs, this.#layout.sessions);
        await this.#index.append([stored]);
      });
    });
  }

  async getSession(id: string, opts?: StoreCallOptions): Promise<Session | undefined> {
    this.#check(opts);
    checkStoreKey(id, 'session id');
    return this.#io(`read session ${id}`, () => this.#readSession(id));
  }

  async updateSession(id: string, patch: Partial<Omit<Session, 'id'>>, opts?: StoreCallOptions): Promise<Session> {
    this.#check(opts, true);
    checkStoreKey(id, 'session id');
    // Validated now; applied as given so a field set to `undefined` is cleared (JSON drops it).
    plain(patch, 'session patch');
    const changes = { ...patch };
    const file = this.#layout.sessionFile(id);
    return this.#writing(`update session ${id}`, () =>
      this.#withSessionLock(id, async (held) => {
        const seen = await this.#fileVersion(file);
        const current = await this.#readSession(id);
        if (!current) throw new StoreError('store.not_found', `session ${id} not found`);
        const next = plain({ ...current, ...changes, id: current.id }, 'session');
        await writeFileAtomic(this.#fs, file, JSON.stringify(next), {
          // A holder that stalled past staleMs must not put back what another process replaced.
          beforeReplace: async () => {
            if ((await this.#fileVersion(file)) !== seen) {
              throw new StoreError(
                'store.unavailable',
                `${file} was replaced by another process while this one held its lock (it stalled past staleMs); the update was not written`,
              );
            }
            await held.verify();
          },
        });
        await this.#index.append([next]);
        return plain(next, 'session');
      }),
    );
  }

  async listSessions(filter: SessionFilter = {}, opts?: StoreCallOptions): Promise<Session[]> {
    this.#check(opts);
    await this.#io('read the library index', () => this.#index.refresh());
    const matching = [...this.#index.sessions()].filter((s) => sessionMatchesFilter(s, filter));
    matching.sort(compareSessionsNewestFirst);
    const start = filter.offset ?? 0;
    const end = filter.limit === undefined ? undefined : start + filter.limit;
    return structuredClone(matching.slice(start, end));
  }

  async appendEvents(
    sessionId: string,
    events: NewSessionEvent[],
    opts?: StoreCallOptions & { expectedSeq?: number },
  ): Promise<SessionEvent[]> {
    this.#check(opts, true);
    checkStoreKey(sessionId, 'session id');
    const expectedSeq = checkExpectedSeq(opts?.expectedSeq);
    const copies = plain(events, 'event');
    return this.#writing(`append events to session ${sessionId}`, () =>
      this.#withSessionLock(sessionId, async (held) => {
        if (!(await this.#exists(this.#layout.sessionFile(sessionId)))) {
          throw new StoreError('store.not_found', `session ${sessionId} not found`);
        }
        if (copies.length === 0 && expectedSeq === undefined) return [];
        opts?.signal?.throwIfAborted();
        return this.#events.append(this.#layout.eventsFile(sessionId), sessionId, copies, {
          at: this.#now().toISOString(),
          expectedSeq,
          held,
        });
      }),
    );
  }

  /** Identifies one version of a file (device, inode, size, mtime), or `missing`. */
  async #fileVersion(path: string): Promise<string> {
    try {
      const s = await this.#fs.promises.stat(path);
      return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch (error) {
      if (isMissing(error)) return 'missing';
      throw error;
    }
  }

  async #exists(path: string): Promise<boolean> {
    try {
      await this.#fs.promises.stat(path);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async readEvents(
    sessionId: string,
    opts?: StoreCallOptions & { fromSeq?: number; limit?: number },
  ): Promise<SessionEvent[]> {
    this.#check(opts);
    checkStoreKey(sessionId, 'session id');
    const range = checkEventRange(opts);
    const path = this.#layout.eventsFile(sessionId);
    return this.#io(`read events of session ${sessionId}`, () =>
      this.#events.read(path, {
        fromSeq: range.fromSeq,
        limit: range.limit,
        // A torn tail is skipped; if nobody holds the lock (no append in flight), truncate it now.
        onTorn: async () => {
          if (this.readonly) return;
          await this.#locks.tryWithLock(this.#layout.sessionLock(sessionId), () => this.#events.repair(path));
        },
      }),
    );
  }

  async searchLibrary(query: LibraryQuery, opts?: StoreCallOptions): Promise<LibraryHit[]> {
    this.#check(opts);
    await this.#io('read the library index', () => this.#index.refresh());
    const terms = tokenizeForSearch(query.text);
    if (terms.length > 0 && Number.isSafeInteger(query.limit) && query.rankBy !== 'outcome') {
      // Scored through the index's postings; only the best `limit` reach core's ranking.
      return structuredClone(searchSessions(this.#index.best(terms, query, query.limit as number), query));
    }
    // With terms, only sessions holding one can score above 0; core's scoring ranks them.
    const pool = terms.length > 0 ? [...this.#index.scored(terms).keys()] : [...this.#index.sessions()];
    const outcomes =
      query.rankBy === 'outcome'
        ? await this.#outcomesOf(
            pool.filter((s) => sessionMatchesFilter(s, query)),
            opts,
          )
        : undefined;
    return structuredClone(searchSessions(pool, query, outcomes));
  }

  /** The outcomes of sessions, read from their logs (for a library search ranked by outcome). */
  async #outcomesOf(sessions: readonly Session[], opts?: StoreCallOptions): Promise<Map<string, SessionOutcome>> {
    const outcomes = new Map<string, SessionOutcome>();
    const width = 32;
    for (let i = 0; i < sessions.length; i += width) {
      opts?.signal?.throwIfAborted();
      await Promise.all(
        sessions.slice(i, i + width).map(async (s) => {
          outcomes.set(s.id, sessionOutcome(await this.readEvents(s.id)));
        }),
      );
    }
    return outcomes;
  }

  async putTemplate(template: Template, opts?: StoreCallOptions): Promise<void> {
    this.#check(opts, true);
    checkId(template?.id, 'template id');
    const stored = plain(template, 'template');
    await this.#writing(`write template ${template.id}`, () =>
      writeFileAtomic(this.#fs, this.#layout.templateFile(template.id), JSON.stringify(stored)),
    );
  }

  async #readTemplateFile(path: string): Promise<Template | undefined> {
    let text: string;
    try {
      text = await this.#fs.promises.readFile(path, 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    return parseLine<Template>(text, path, 1);
  }

  async getTemplate(idOrName: string, opts?: StoreCallOptions): Promise<Template | undefined> {
    this.#check(opts);
    checkStoreKey(idOrName, 'template id or name');
    const byId = await this.#io(`read template ${idOrName}`, () =>
      this.#readTemplateFile(this.#layout.templateFile(idOrName)),
    );
    if (byId) return byId;
    // Names are not unique: the most recently updated template of that name wins.
    const named = (await this.listTemplates(opts))
      .filter((t) => t.name === idOrName)
      .sort((a, b) => instant(b.updatedAt) - instant(a.updatedAt) || byString(a.id, b.id));
    return named[0];
  }

  async listTemplates(opts?: StoreCallOptions): Promise<Template[]> {
    this.#check(opts);
    return this.#io('list templates', async () => {
      let names: string[];
      try {
        names = (await this.#fs.promises.readdir(this.#layout.templates)).map(String);
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
      const files = names.filter((n) => n.endsWith('.json'));
      const templates = await Promise.all(files.map((n) => this.#readTemplateFile(`${this.#layout.templates}/${n}`)));
      return templates
        .filter((t): t is Template => t !== undefined)
        .sort((a, b) => byString(a.name, b.name) || byString(a.id, b.id));
    });
  }

  async deleteTemplate(id: string, opts?: StoreCallOptions): Promise<boolean> {
    this.#check(opts, true);
    checkStoreKey(id, 'template id');
    return this.#writing(`delete template ${id}`, async () => {
      try {
        await this.#fs.promises.unlink(this.#layout.templateFile(id));
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
      await fsyncDirectory(this.#fs, this.#layout.templates);
      return true;
    });
  }

  async addFoundationVersion(version: FoundationVersion, opts?: StoreCallOptions): Promise<void> {
    this.#check(opts, true);
    const line = `${JSON.stringify(plain(version, 'foundation version'))}\n`;
    await this.#writing('record a foundation version', () =>
      this.#locks.withLock(this.#layout.foundationLock, (held) =>
        appendDurably(this.#fs, this.#layout.foundationVersions, line, { beforeWrite: () => held.verify() }),
      ),
    );
  }

  async listFoundationVersions(opts?: StoreCallOptions & { path?: string }): Promise<FoundationVersion[]> {
    this.#check(opts);
    const file = this.#layout.foundationVersions;
    const all = await this.#io('read foundation versions', async () => {
      let bytes: Buffer;
      try {
        bytes = await this.#fs.promises.readFile(file);
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
      return completeLines(bytes).lines.map((line, i) => parseLine<FoundationVersion>(line, file, i + 1));
    });
    const path = opts?.path;
    const matching = all.filter((v) => path === undefined || v.path === path);
    // Oldest `at` first; the stable sort keeps recording order for equal (or unparsable) times.
    return matching.sort((a, b) => instant(a.at) - instant(b.at) || 0);
  }

  async analytics(query: AnalyticsQuery = {}, opts?: StoreCallOptions): Promise<AnalyticsReport> {
    this.#check(opts);
    await this.#io('read the library index', () => this.#index.refresh());
    const scoped = [...this.#index.sessions()].filter((s) => sessionInAnalyticsScope(s, query));
    // Sessions without an event log are left out of the map: computeAnalytics reads them as no events.
    const events = new Map<string, SessionEvent[]>();
    const slice = 1024;
    const width = 32;
    for (let at = 0; at < scoped.length; at += slice) {
      opts?.signal?.throwIfAborted();
      const logged = scoped.slice(at, at + slice).filter((s) => this.#mayHaveEvents(s.id));
      for (let i = 0; i < logged.length; i += width) {
        opts?.signal?.throwIfAborted();
        await Promise.all(
          logged.slice(i, i + width).map(async (s) => {
            events.set(s.id, await this.readEvents(s.id));
          }),
        );
      }
      // The probes above are synchronous: let other work run between slices.
      await setImmediate();
    }
    return structuredClone(computeAnalytics(scoped, events, query));
  }

  /**
   * False only when the session's event log is certainly missing (`ENOENT` from the file system's
   * `statSync`); true without `statSync` or on any other answer, so reading the log decides as before.
   */
  #mayHaveEvents(id: string): boolean {
    if (!this.#fs.statSync) return true;
    try {
      this.#fs.statSync(this.#layout.eventsFile(id));
      return true;
    } catch (error) {
      return !isMissing(error);
    }
  }

  /**
   * Writes many new sessions at once, for imports and migrations: each `session.json` is
   * written (temp file + rename) without its own fsync, then the library index is appended and
   * fsynced once. Much faster than `createSession` per session; an import cut short by a crash
   * may lose some imported sessions (never earlier data): re-run it. Ids already present are
   * `store.conflict` before anything is written. Returns how many sessions were written.
   */
  async importSessions(sessions: Iterable<Session>, opts?: StoreCallOptions): Promise<number> {
    this.#check(opts, true);
    const batch = [...sessions].map((s) => plain(s, 'session'));
    return this.#writing('import sessions', async () => {
      await this.#index.refresh();
      const known = new Set([...this.#index.sessions()].map((s) => s.id));
      for (const s of batch) {
        checkId(s.id, 'session id');
        if (known.has(s.id)) throw new StoreError('store.conflict', `session ${s.id} already exists`);
        known.add(s.id);
      }
      const width = 64;
      for (let i = 0; i < batch.length; i += width) {
        opts?.signal?.throwIfAborted();
        await Promise.all(
          batch.slice(i, i + width).map(async (s) => {
            await this.#fs.promises.mkdir(this.#layout.sessionDir(s.id), { recursive: true });
            await writeFileQuick(this.#fs, this.#layout.sessionFile(s.id), JSON.stringify(s));
          }),
        );
      }
      await fsyncDirectory(this.#fs, this.#layout.sessions);
      await this.#index.append(batch);
      return batch.length;
    });
  }

  /**
   * Rewrites the library index from every `session.json` (compacting it). Use after copying
   * session directories in by hand or if a crash hit between a session write and its index line.
   * Returns the number of sessions indexed.
   */
  async rebuildLibraryIndex(opts?: StoreCallOptions): Promise<number> {
    this.#check(opts, true);
    return this.#writing('rebuild the library index', () => this.#index.rebuild());
  }

  /**
   * Marks the store closed (later calls fail with `store.closed`) and resolves once every call
   * already in flight has settled, so nothing is still writing when it returns, then removes this
   * instance's lock owner file (`locks/`). Closing twice is harmless.
   */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
    await this.#locks.close();
  }
}

/** Writes a file through a temp file and a rename, without fsync (bulk imports only). */
async function writeFileQuick(fs: StoreFs, path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  const handle = await fs.promises.open(temp, 'w');
  try {
    await writeAll(handle, Buffer.from(text, 'utf8'), 0);
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temp, path);
}

/**
 * Opens (creating if needed) a durable store on a directory.
 *
 * Throws `StoreError`: `store.unavailable` (missing directory with `createDirectory: false`, not
 * a directory, I/O failure), `store.read_only` (directory not writable and `readonly` not set),
 * `store.corrupt` (`meta.json` or the library index unreadable), `store.schema_too_new`.
 *
 * @example
 * const store = await openFsStore({ dir: '.sessionhub/store' });
 * await store.createSession(session);
 * await store.appendEvents(session.id, [{ type: 'approval.requested', sessionId: session.id }]);
 */
export async function openFsStore(options: FsStoreOptions): Promise<FsStore> {
  const fs = options.fs ?? (nodeFs as StoreFs);
  const store = new FsStore(options, fs);
  await store.open(options.createDirectory ?? true);
  return store;
}
