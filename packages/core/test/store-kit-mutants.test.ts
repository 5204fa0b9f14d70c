import { describe, expect, it } from 'vitest';
import type { AnalyticsQuery } from '../src/model/analytics.js';
import type { NewSessionEvent, SessionEvent } from '../src/model/events.js';
import type { Session, SessionFilter } from '../src/model/session.js';
import type { FoundationVersion } from '../src/model/template.js';
import type { LibraryQuery, StoreCallOptions } from '../src/ports/store.js';
import { computeAnalytics } from '../src/store/analytics.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { STORE_CASES } from '../src/testing/conformance/store-cases.js';
import { describeStoreConformance } from '../src/testing/store-conformance.js';
import { ReferenceStore } from './support/reference-store.js';

// The kit itself under test. ReferenceStore passes every case; each mutant below breaks it one
// way, and the case named beside it must fail with a message that states the rule. A case
// weakened so that its mutant passes makes this file fail.

describeStoreConformance('reference store (the kit’s own baseline)', async () => {
  const store = new ReferenceStore();
  return { store, reopen: async () => store.reopen() };
});

/** Runs one case on a store; returns the failure message, or `undefined` when the case passed. */
async function failureOf(caseName: string, store: ReferenceStore): Promise<string | undefined> {
  const testCase = STORE_CASES.find((c) => c.name === caseName);
  if (!testCase) throw new Error(`no conformance case named "${caseName}"`);
  try {
    await testCase.run({ store, reopen: async () => store.reopen() });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await store.close().catch(() => undefined);
  }
}

/** Foundation versions in recording order, not oldest `at` first. */
class RecordingOrderFoundation extends ReferenceStore {
  readonly #recorded: FoundationVersion[] = [];
  override async addFoundationVersion(version: FoundationVersion, opts?: StoreCallOptions) {
    await super.addFoundationVersion(version, opts);
    this.#recorded.push(structuredClone(version));
  }
  override async listFoundationVersions(opts?: StoreCallOptions & { path?: string }) {
    await super.listFoundationVersions(opts);
    return this.#recorded.filter((v) => opts?.path === undefined || v.path === opts.path);
  }
}

/** `searchLibrary` ignores its signal. */
class SearchIgnoresSignal extends ReferenceStore {
  override searchLibrary(query: LibraryQuery) {
    return super.searchLibrary(query);
  }
}

/** An aborted call rejects, but with an error of its own instead of the signal's reason. */
class AbortWithOwnError extends ReferenceStore {
  protected override call<T>(opts: StoreCallOptions | undefined, fn: () => Promise<T>): Promise<T> {
    if (opts?.signal?.aborted) return Promise.reject(new Error('aborted'));
    return super.call(opts, fn);
  }
}

/** `updateSession` lets a patch change the id. */
class UpdateChangesId extends ReferenceStore {
  override async updateSession(id: string, patch: Partial<Omit<Session, 'id'>>, opts?: StoreCallOptions) {
    const updated = await super.updateSession(id, patch, opts);
    const newId = (patch as { id?: string }).id;
    if (newId === undefined) return updated;
    await this.disk.createSession({ ...updated, id: newId });
    return { ...updated, id: newId };
  }
}

/** `since` / `until` compared as strings. */
class StringInstants extends ReferenceStore {
  override async listSessions(filter: SessionFilter = {}, opts?: StoreCallOptions) {
    const all = await super.listSessions({ ...filter, since: undefined, until: undefined }, opts);
    return all.filter(
      (s) =>
        (filter.since === undefined || s.createdAt >= filter.since) &&
        (filter.until === undefined || s.createdAt < filter.until),
    );
  }
}

/** `at` that parses but is not ISO-8601 (`Date.prototype.toString`). */
class NotIsoAt extends ReferenceStore {
  override async appendEvents(id: string, events: NewSessionEvent[], opts?: StoreCallOptions) {
    const stored = await super.appendEvents(id, events, opts);
    return stored.map((e) => ({ ...e, at: new Date(e.at).toString() }));
  }
}

/** Loses everything at close: a reopen finds an empty store. */
class ForgetsOnClose extends ReferenceStore {
  override reopen(): ReferenceStore {
    return new ReferenceStore(new MemoryStore());
  }
}

/** A second `close()` throws. */
class CloseTwiceThrows extends ReferenceStore {
  #closedOnce = false;
  override async close() {
    if (this.#closedOnce) throw new Error('already closed');
    this.#closedOnce = true;
    await super.close();
  }
}

/** `close()` returns at once, while calls are still writing. */
class CloseDoesNotWait extends ReferenceStore {
  override async appendEvents(id: string, events: NewSessionEvent[], opts?: StoreCallOptions) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return super.appendEvents(id, events, opts);
  }
  override async close() {
    void super.close();
  }
}

/** Ignores `expectedSeq`: every conditional append succeeds. */
class IgnoresExpectedSeq extends ReferenceStore {
  override appendEvents(id: string, events: NewSessionEvent[], opts?: StoreCallOptions & { expectedSeq?: number }) {
    return super.appendEvents(id, events, { signal: opts?.signal });
  }
}

/** Checks `expectedSeq` before waiting its turn, so racers all pass the check. */
class CheckThenAppend extends ReferenceStore {
  override async appendEvents(
    id: string,
    events: NewSessionEvent[],
    opts?: StoreCallOptions & { expectedSeq?: number },
  ): Promise<SessionEvent[]> {
    if (opts?.expectedSeq !== undefined) {
      const last = (await this.readEvents(id)).length;
      if (last !== opts.expectedSeq) return super.appendEvents(id, events, opts);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return super.appendEvents(id, events, { signal: opts?.signal });
  }
}

const wellFormed = (id: string) => id.replace(/\p{Surrogate}/gu, '\ufffd');

/** Ids go to storage as UTF-8, so lone surrogates become U+FFFD and collide. */
class MergesLoneSurrogates extends ReferenceStore {
  override createSession(session: Session, opts?: StoreCallOptions) {
    return super.createSession({ ...session, id: wellFormed(session.id) }, opts);
  }
  override getSession(id: string, opts?: StoreCallOptions) {
    return super.getSession(wellFormed(id), opts);
  }
  override appendEvents(id: string, events: NewSessionEvent[], opts?: StoreCallOptions) {
    return super.appendEvents(wellFormed(id), events, opts);
  }
}

/** Lets BigInt and cycles through to a serialiser that throws a raw TypeError. */
class RawTypeErrorOnValues extends ReferenceStore {
  override async createSession(session: Session, opts?: StoreCallOptions) {
    JSON.stringify(session);
    return super.createSession(session, opts);
  }
}

/** `readEvents` with NaN or fractional bounds answers instead of refusing them. */
class LenientRanges extends ReferenceStore {
  override readEvents(id: string, opts?: StoreCallOptions & { fromSeq?: number; limit?: number }) {
    const fix = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? undefined : Math.floor(n));
    return super.readEvents(id, { fromSeq: fix(opts?.fromSeq), limit: fix(opts?.limit) });
  }
}

/** An empty batch to an unknown session is quietly accepted. */
class EmptyBatchAnywhere extends ReferenceStore {
  override appendEvents(id: string, events: NewSessionEvent[], opts?: StoreCallOptions) {
    if (events.length === 0) return Promise.resolve([]);
    return super.appendEvents(id, events, opts);
  }
}

/** Analytics blind to outcomes: computed over logs without their `outcome.recorded` events. */
class AnalyticsWithoutOutcomes extends ReferenceStore {
  override async analytics(query: AnalyticsQuery = {}, opts?: StoreCallOptions) {
    await super.analytics(query, opts);
    const sessions = await this.disk.listSessions();
    const events = new Map<string, SessionEvent[]>();
    for (const s of sessions) {
      events.set(
        s.id,
        (await this.disk.readEvents(s.id)).filter((e) => e.type !== 'outcome.recorded'),
      );
    }
    return computeAnalytics(sessions, events, query);
  }
}

/** `searchLibrary` ranks by relevance whatever `rankBy` asks. */
class SearchIgnoresRankBy extends ReferenceStore {
  override searchLibrary(query: LibraryQuery, opts?: StoreCallOptions) {
    return super.searchLibrary({ ...query, rankBy: 'relevance' }, opts);
  }
}

const MUTANTS: Array<{ mutant: () => ReferenceStore; caseName: string; says: RegExp }> = [
  {
    mutant: () => new AnalyticsWithoutOutcomes(),
    caseName: 'an outcome recorded with recordOutcome counts in analytics',
    says: /a recorded outcome counts/,
  },
  {
    mutant: () => new AnalyticsWithoutOutcomes(),
    caseName: 'analytics of the scenario covers every section',
    says: /outcomes in report.overall/,
  },
  {
    mutant: () => new SearchIgnoresRankBy(),
    caseName: 'searchLibrary ranked by outcome lists merged work first and reverted work last',
    says: /merged work first/,
  },
  {
    mutant: () => new RecordingOrderFoundation(),
    caseName: 'listFoundationVersions orders by at as an instant, not by recording order or by text',
    says: /oldest `at` first/,
  },
  {
    mutant: () => new SearchIgnoresSignal(),
    caseName: 'every method rejects an aborted signal with the signal’s reason and changes nothing',
    says: /searchLibrary with an already aborted signal must reject/,
  },
  {
    mutant: () => new AbortWithOwnError(),
    caseName: 'every method rejects an aborted signal with the signal’s reason and changes nothing',
    says: /must reject with signal.reason itself/,
  },
  {
    mutant: () => new UpdateChangesId(),
    caseName: 'updateSession never changes the id, even when the patch holds one',
    says: /must ignore an `id` in the patch/,
  },
  {
    mutant: () => new StringInstants(),
    caseName: 'since and until compare instants, whatever the ISO-8601 form',
    says: /as instants, not as strings/,
  },
  {
    mutant: () => new NotIsoAt(),
    caseName: 'appendEvents assigns seq 1..n and sets at',
    says: /ISO-8601 UTC time/,
  },
  {
    mutant: () => new ForgetsOnClose(),
    caseName: 'what was acknowledged survives close() and a reopen',
    says: /must be readable, unchanged, after close\(\) and a reopen/,
  },
  {
    mutant: () => new CloseTwiceThrows(),
    caseName: 'a second close() is harmless',
    says: /close\(\) on a closed store must resolve/,
  },
  {
    mutant: () => new CloseDoesNotWait(),
    caseName: 'close() waits for calls in flight: each completes or fails with store.closed',
    says: /only after every call already in flight has settled/,
  },
  {
    mutant: () => new IgnoresExpectedSeq(),
    caseName: 'appendEvents with expectedSeq appends only at that seq, else store.conflict and nothing written',
    says: /must reject with store.conflict; it resolved instead/,
  },
  {
    mutant: () => new CheckThenAppend(),
    caseName: 'concurrent conditional appends with one expectedSeq: exactly one wins',
    says: /exactly one must succeed/,
  },
  {
    mutant: () => new MergesLoneSurrogates(),
    caseName: 'ids that are not well-formed Unicode are refused with store.invalid_value',
    says: /lone surrogate/,
  },
  {
    mutant: () => new RawTypeErrorOnValues(),
    caseName: 'values that are not JSON data are refused with store.invalid_value and store nothing',
    says: /store values are JSON data; it rejected with code undefined \(TypeError/,
  },
  {
    mutant: () => new LenientRanges(),
    caseName: 'readEvents refuses a fromSeq or limit that is not an integer with store.invalid_value',
    says: /must reject with store.invalid_value; it resolved instead/,
  },
  {
    mutant: () => new EmptyBatchAnywhere(),
    caseName: 'an empty batch to an unknown session fails with store.not_found',
    says: /even for an empty batch/,
  },
];

describe('the store kit fails every broken variant, saying what the port requires', () => {
  for (const { mutant, caseName, says } of MUTANTS) {
    it(`${mutant().constructor.name} fails "${caseName}"`, async () => {
      const message = await failureOf(caseName, mutant());
      expect(message, `the mutant ${mutant().constructor.name} passed "${caseName}"`).toBeDefined();
      expect(message).toMatch(says);
    });
  }

  it('the baseline passes each of those cases (a mutant’s failure is its own)', async () => {
    for (const caseName of new Set(MUTANTS.map((m) => m.caseName))) {
      expect(await failureOf(caseName, new ReferenceStore()), caseName).toBeUndefined();
    }
  });
});
