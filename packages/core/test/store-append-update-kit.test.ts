import { describe, expect, it } from 'vitest';
import type { NewSessionEvent } from '../src/model/events.js';
import type { Session } from '../src/model/session.js';
import type { AppendAndUpdateResult, StoreCallOptions } from '../src/ports/store.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { STORE_CASES } from '../src/testing/conformance/store-cases.js';

// The kit's `appendEventsAndUpdate` cases under test: MemoryStore passes them all; each mutant below
// breaks the one-transaction contract one way, and the case named beside it must fail.

type Patch = Partial<Omit<Session, 'id'>>;
type Opts = StoreCallOptions & { expectedSeq?: number };

/** Runs one case on a store (no `skip`, as when run by hand); returns the failure message, or `undefined`. */
async function failureOf(caseName: string, store: MemoryStore): Promise<string | undefined> {
  const testCase = STORE_CASES.find((c) => c.name === caseName);
  if (!testCase) throw new Error(`no conformance case named "${caseName}"`);
  try {
    await testCase.run({ store });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Two calls in series, as a store without the capability is used: a refused patch leaves the events behind. */
class TwoCalls extends MemoryStore {
  override async appendEventsAndUpdate(id: string, events: NewSessionEvent[], patch: Patch, opts?: Opts) {
    const stored = await this.appendEvents(id, events, opts);
    return { events: stored, session: await this.updateSession(id, patch, opts) };
  }
}

/** Patches the record before the conditional append: a conflict leaves the patch behind. */
class PatchFirst extends MemoryStore {
  override async appendEventsAndUpdate(id: string, events: NewSessionEvent[], patch: Patch, opts?: Opts) {
    const session = await this.updateSession(id, patch);
    return { events: await this.appendEvents(id, events, opts), session };
  }
}

/** Compares `expectedSeq`, yields, then writes: concurrent callers all pass the comparison. */
class CheckThenWrite extends MemoryStore {
  override async appendEventsAndUpdate(
    id: string,
    events: NewSessionEvent[],
    patch: Patch,
    opts?: Opts,
  ): Promise<AppendAndUpdateResult> {
    const log = await this.readEvents(id);
    if (opts?.expectedSeq !== undefined && opts.expectedSeq !== log.length) {
      return super.appendEventsAndUpdate(id, events, patch, opts);
    }
    await new Promise((resolve) => setImmediate(resolve));
    return super.appendEventsAndUpdate(id, events, patch, { ...opts, expectedSeq: undefined });
  }
}

/** Ignores its signal. */
class IgnoresSignal extends MemoryStore {
  override appendEventsAndUpdate(id: string, events: NewSessionEvent[], patch: Patch, opts?: Opts) {
    return super.appendEventsAndUpdate(id, events, patch, { ...opts, signal: undefined });
  }
}

/** Returns the record as it was before the patch. */
class ReturnsOldRecord extends MemoryStore {
  override async appendEventsAndUpdate(id: string, events: NewSessionEvent[], patch: Patch, opts?: Opts) {
    const before = (await this.getSession(id)) as Session;
    const result = await super.appendEventsAndUpdate(id, events, patch, opts);
    return { ...result, session: before };
  }
}

describe('the appendEventsAndUpdate conformance cases', () => {
  it('pass for MemoryStore', async () => {
    const cases = STORE_CASES.filter((c) => c.group === 'append and update');
    expect(cases.length).toBe(8);
    for (const c of cases) expect(await failureOf(c.name, new MemoryStore()), c.name).toBeUndefined();
  });

  it('catch a store that makes two writes of it (a refused patch leaves the events)', async () => {
    expect(
      await failureOf(
        'appendEventsAndUpdate with a value that is not JSON data fails with store.invalid_value and applies neither',
        new TwoCalls(),
      ),
    ).toContain('no event may be appended');
  });

  it('catch a store that patches the record before the conditional append', async () => {
    expect(
      await failureOf(
        'appendEventsAndUpdate with a stale expectedSeq fails with store.conflict and applies neither',
        new PatchFirst(),
      ),
    ).toContain('the session record must be unchanged');
  });

  it('catch a store whose comparison and write are not one step', async () => {
    expect(
      await failureOf(
        'concurrent appendEventsAndUpdate calls with one expectedSeq: exactly one applies, both parts',
        new CheckThenWrite(),
      ),
    ).toContain('exactly one of several calls');
  });

  it('catch a store that ignores the signal', async () => {
    expect(
      await failureOf(
        'appendEventsAndUpdate with an aborted signal rejects with its reason and applies neither',
        new IgnoresSignal(),
      ),
    ).toContain('must reject');
  });

  it('catch a store that returns the record as it was', async () => {
    expect(
      await failureOf('appendEventsAndUpdate appends the events and applies the patch', new ReturnsOldRecord()),
    ).toContain('must equal what getSession returns');
  });

  it('fail with a note when run by hand on a store without the method', async () => {
    class Without extends MemoryStore {}
    const store = new Without();
    Object.defineProperty(store, 'appendEventsAndUpdate', { value: undefined });
    expect(await failureOf('appendEventsAndUpdate appends the events and applies the patch', store)).toContain(
      'the store has no appendEventsAndUpdate',
    );
  });
});
