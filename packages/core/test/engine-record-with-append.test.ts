/**
 * The session record update travels with the append it follows when the store has `appendEventsAndUpdate`
 * (one transaction, one commit); a store without it gets the two calls, and both end the same.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MemoryStore,
  type NewSessionEvent,
  type Session,
  type SessionEvent,
  type Store,
  type StoreCallOptions,
} from '@sessionhub/core';
import { ScriptedVerifier } from '@sessionhub/core/testing';
import { openSqliteStore } from '@sessionhub/store-sqlite';
import { describe, expect, it } from 'vitest';
import { makeHarness } from './support/harness.js';

type Patch = Partial<Omit<Session, 'id'>>;
type AppendOpts = StoreCallOptions & { expectedSeq?: number };

/** A MemoryStore that counts the engine's writes. */
class CountingStore extends MemoryStore {
  appends = 0;
  updates = 0;
  combined = 0;
  override appendEvents(id: string, events: NewSessionEvent[], opts?: AppendOpts): Promise<SessionEvent[]> {
    this.appends++;
    return super.appendEvents(id, events, opts);
  }
  override updateSession(id: string, patch: Patch, opts?: StoreCallOptions): Promise<Session> {
    this.updates++;
    return super.updateSession(id, patch, opts);
  }
  override appendEventsAndUpdate(id: string, events: NewSessionEvent[], patch: Patch, opts?: AppendOpts) {
    this.combined++;
    return super.appendEventsAndUpdate(id, events, patch, opts);
  }
}

/** A store as a third party may write it: the same store, without the optional method. */
function withoutCombined<S extends Store>(store: S): S {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'appendEventsAndUpdate') return undefined;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** One session with a fix loop (verify fails once), on `store`; returns its final record and log. */
async function runOne(store: Store): Promise<{ session: Session; events: SessionEvent[] }> {
  const h = await makeHarness({
    store,
    verifier: new ScriptedVerifier([false, true]),
    generateId: () => 's-1',
    // One engine id for every run, so two runs' logs (their claims) compare equal.
    engineId: 'engine-1',
  });
  const { session } = await (await h.hub.run({ request: 'Greet visitors by name' })).result;
  expect(session.state).toBe('succeeded');
  return { session, events: await store.readEvents('s-1') };
}

/** A record or log without the instants that differ from run to run. */
function timeless<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === 'at' || k.endsWith('At') || k === 'until' ? 0 : v)));
}

describe('the session record travels with the append', () => {
  it('a store with appendEventsAndUpdate gets every record update with its append, never a separate updateSession', async () => {
    const one = new CountingStore();
    await runOne(one);
    expect(one.combined, 'record updates written with their append').toBeGreaterThan(3);
    expect(one.updates, 'no record update on its own').toBe(0);
  });

  it('a store without it gets the two calls, one for one, and ends with the same record and log', async () => {
    const one = new CountingStore();
    const two = new CountingStore();
    const a = await runOne(one);
    const b = await runOne(withoutCombined(two));
    expect(two.combined).toBe(0);
    expect(two.updates, 'each combined write is an append plus an update without it').toBe(one.combined);
    expect(two.appends).toBe(one.appends + one.combined);
    expect(timeless(a.session)).toEqual(timeless(b.session));
    expect(timeless(a.events)).toEqual(timeless(b.events));
    expect(timeless(await one.getSession('s-1'))).toEqual(timeless(await two.getSession('s-1')));
  });

  it('on SQLite each engine write is one commit: as many fewer commits as record updates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sessionhub-one-write-'));
    try {
      const counted = new CountingStore();
      await runOne(counted);
      const oneWrite = await openSqliteStore({ path: join(dir, 'one.db') });
      const twoWrites = await openSqliteStore({ path: join(dir, 'two.db') });
      await runOne(oneWrite);
      await runOne(withoutCombined(twoWrites));
      const saved = twoWrites.commitStats.commits - oneWrite.commitStats.commits;
      expect(saved, 'one commit saved per record update').toBe(counted.combined);
      expect(saved).toBeGreaterThan(3);
      expect(timeless(await oneWrite.getSession('s-1'))).toEqual(timeless(await twoWrites.getSession('s-1')));
      await oneWrite.close();
      await twoWrites.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
