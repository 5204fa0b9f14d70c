import { type LibraryQuery, type Session, type SessionState, searchSessions } from '@sessionhub/core';
import { createFsFromVolume, Volume } from 'memfs';
import { describe, expect, it } from 'vitest';
import { openFsStore, type StoreFs } from '../src/index.js';
import { seededRandom, sessionOf } from './helpers.js';

// The store scores a text search through its postings and hands only the best `limit` sessions to
// core's ranking; its hits must equal core's `searchSessions` over every session. Few words, few
// creation instants: many equal scores, so the order of ties (newest first, then id) decides
// what makes the cut at `limit`.

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
const STATES: SessionState[] = ['created', 'succeeded', 'failed'];
const DIR = '/store';

function library(count: number, random: () => number): Session[] {
  const word = () => WORDS[Math.floor(random() * WORDS.length)] as string;
  const words = (n: number) => Array.from({ length: n }, word).join(' ');
  return Array.from({ length: count }, (_, i) =>
    sessionOf(`s${i}`, {
      name: `${word()} task`,
      tags: random() < 0.5 ? [word()] : [],
      instruction: words(1 + Math.floor(random() * 6)),
      summary: random() < 0.3 ? words(2) : undefined,
      state: STATES[i % STATES.length] as SessionState,
      createdAt: `2026-03-0${1 + Math.floor(random() * 3)}T09:00:00.000Z`,
    }),
  );
}

function queries(random: () => number): LibraryQuery[] {
  const word = () => WORDS[Math.floor(random() * WORDS.length)] as string;
  const out: LibraryQuery[] = [];
  for (let i = 0; i < 60; i++) {
    const text = i % 3 === 0 ? `${word()} ${word()}` : i % 7 === 0 ? `${word()} nothing-like-it` : word();
    const limit = [0, 1, 3, 10, 50][i % 5];
    if (i % 4 === 1) out.push({ text, limit, state: 'succeeded' });
    else if (i % 4 === 2) out.push({ text, limit, tags: [word()] });
    else out.push({ text, limit });
  }
  return out;
}

describe('library search through the postings', () => {
  it('equals core’s searchSessions over every session, before and after updates from this and another process', async () => {
    const fs = createFsFromVolume(new Volume()) as unknown as StoreFs;
    const random = seededRandom(42);
    const store = await openFsStore({ dir: DIR, fs });
    const other = await openFsStore({ dir: DIR, fs });
    const truth = new Map(library(300, random).map((s) => [s.id, s]));
    await store.importSessions(truth.values());
    const expectSameHits = async () => {
      for (const query of queries(random)) {
        const hits = await store.searchLibrary(query);
        const expected = searchSessions([...truth.values()], query);
        expect(hits.map((h) => [h.session.id, h.score])).toEqual(expected.map((h) => [h.session.id, h.score]));
        expect(hits.map((h) => h.session)).toEqual(expected.map((h) => h.session));
      }
    };
    await expectSameHits();
    // Updates after the postings were built: new versions replace old ones, from either process,
    // often enough (1,200 over 300 sessions) that the postings are built afresh along the way.
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 300; i++) {
        const writer = (i + round) % 2 === 0 ? store : other;
        const id = `s${i}`;
        const patch = {
          instruction: `${WORDS[(i + round) % WORDS.length]} ${WORDS[(i * 3 + round) % WORDS.length]}`,
          tags: round % 2 === 0 ? [WORDS[i % WORDS.length] as string] : [],
        };
        truth.set(id, await writer.updateSession(id, patch));
      }
      await expectSameHits();
    }
    await store.close();
    await other.close();
  }, 60_000);
});
