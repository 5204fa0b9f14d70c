import { join } from 'node:path';
import { sessionOf } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/index.js';
import { tempDirsPerTest } from './helpers.js';

const freshDir = tempDirsPerTest();

// Filter and search statements are kept by their text (a bounded number of them): more shapes than
// the bound must still answer right, the first shapes again after they were dropped included.
describe('queries built per call are prepared once per shape', () => {
  for (const driver of ['node:sqlite', 'better-sqlite3'] as const) {
    it(`${driver}: 80 filter shapes, then the first ones again, answer as the data says`, async () => {
      const store = await openSqliteStore({ path: join(await freshDir(), 'store.db'), driver });
      const tags = Array.from({ length: 80 }, (_, i) => `tag${i}`);
      await store.createSession(sessionOf('all', { name: 'alpha beta', tags }));
      await store.createSession(sessionOf('half', { name: 'alpha', tags: tags.slice(0, 40) }));
      // k tags make a query text of its own (one placeholder per tag).
      const shapes = [...tags.keys(), 0, 1, 2, 39, 40];
      for (const k of shapes) {
        const filter = { tags: tags.slice(0, k + 1) };
        const expected = k < 40 ? ['all', 'half'] : ['all'];
        expect((await store.listSessions(filter)).map((s) => s.id).sort(), `listSessions, ${k + 1} tags`).toEqual(
          expected,
        );
        expect(
          (await store.searchLibrary({ text: 'alpha', ...filter })).map((h) => h.session.id).sort(),
          `searchLibrary, ${k + 1} tags`,
        ).toEqual(expected);
      }
      await store.close();
    });
  }
});
