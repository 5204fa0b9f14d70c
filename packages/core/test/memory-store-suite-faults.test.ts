import { describe, expect, it } from 'vitest';
import type { AnalyticsQuery, AnalyticsReport } from '../src/model/analytics.js';
import type { NewSessionEvent, SessionEvent } from '../src/model/events.js';
import type { Session, SessionFilter } from '../src/model/session.js';
import { MemoryStore } from '../src/store/index.js';
import { STORE_CASES } from '../src/testing/conformance/store-cases.js';

/** Runs one store conformance case; returns what it threw. */
async function runCase(name: string, store: MemoryStore): Promise<unknown> {
  const testCase = STORE_CASES.find((c) => c.name === name);
  if (!testCase) throw new Error(`no case ${name}`);
  return testCase.run({ store }).then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** Appends a batch one event at a time, yielding in between: batches of concurrent callers interleave. */
class NonAtomicAppendStore extends MemoryStore {
  override async appendEvents(sessionId: string, events: NewSessionEvent[]): Promise<SessionEvent[]> {
    const stored: SessionEvent[] = [];
    for (const event of events) {
      await new Promise((resolve) => setImmediate(resolve));
      stored.push(...(await super.appendEvents(sessionId, [event])));
    }
    return stored;
  }
}

/** Treats analytics `until` as inclusive. */
class InclusiveUntilStore extends MemoryStore {
  override async analytics(query: AnalyticsQuery = {}): Promise<AnalyticsReport> {
    const until = query.until === undefined ? undefined : new Date(Date.parse(query.until) + 1).toISOString();
    return super.analytics({ ...query, ...(until ? { until } : {}) });
  }
}

/** Lists sessions oldest first. */
class OldestFirstStore extends MemoryStore {
  override async listSessions(filter?: SessionFilter): Promise<Session[]> {
    return (await super.listSessions(filter)).reverse();
  }
}

/** Forgets to honour the tag filter in library search. */
class TaglessSearchStore extends MemoryStore {
  override async searchLibrary(query: Parameters<MemoryStore['searchLibrary']>[0]) {
    return super.searchLibrary({ ...query, tags: undefined });
  }
}

// The store suite is only worth something if a broken store fails it; MemoryStore itself passes
// every case (memory-store.test.ts).
describe('the store conformance suite catches broken stores', () => {
  it('one whose appends are not atomic', async () => {
    const error = await runCase(
      '20 concurrent appendEvents calls give 1..N with each batch contiguous',
      new NonAtomicAppendStore(),
    );
    expect(error).toBeInstanceOf(Error);
  });

  it('one whose analytics treat until as inclusive', async () => {
    const error = await runCase(
      'analytics equals computeAnalytics on a rich scenario for every query',
      new InclusiveUntilStore(),
    );
    expect(String(error)).toContain('analytics(');
  });

  it('one that lists sessions oldest first', async () => {
    expect(
      await runCase('listSessions returns every session newest createdAt first', new OldestFirstStore()),
    ).toBeInstanceOf(Error);
  });

  it('one whose library search ignores tags', async () => {
    expect(
      await runCase('searchLibrary honours state, template, tag and date filters', new TaglessSearchStore()),
    ).toBeInstanceOf(Error);
  });
});
