import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { searchSessions } from '@sessionhub/core';
import { librarySessions } from '@sessionhub/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openFsStore } from '../src/index.js';
import { tempDir } from './helpers.js';

const COUNT = 100_000;
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const fn of cleanup) await fn();
});

describe('a store of 100,000 sessions', () => {
  it('opens (indexing session files written in the documented layout), reopens from the index, and searches', async () => {
    const { dir, remove } = await tempDir();
    cleanup.push(remove);
    // Written straight into the layout (as a copy or a restore would), not through the API.
    await writeFile(
      join(dir, 'meta.json'),
      JSON.stringify({ format: 'sessionhub-store-fs', schemaVersion: 1, createdAt: '' }),
    );
    const sessions = [...librarySessions({ count: COUNT })];
    for (let i = 0; i < COUNT; i += 256) {
      await Promise.all(
        sessions.slice(i, i + 256).map(async (s) => {
          await mkdir(join(dir, 'sessions', s.id), { recursive: true });
          await writeFile(join(dir, 'sessions', s.id, 'session.json'), JSON.stringify(s));
        }),
      );
    }
    const store = await openFsStore({ dir });
    const expected = searchSessions(sessions, { text: 'kax lox', limit: 20 });
    expect(expected.length).toBeGreaterThan(0);
    expect(await store.searchLibrary({ text: 'kax lox', limit: 20 })).toEqual(expected);
    await store.close();

    // The second open reads the index instead of 100,000 files.
    const reopened = await openFsStore({ dir });
    const query = { text: 'mix', state: 'succeeded' as const, tags: ['tag3'], limit: 10 };
    expect(await reopened.searchLibrary(query)).toEqual(searchSessions(sessions, query));
    const newest = await reopened.listSessions({ limit: 3 });
    expect(newest.map((s) => s.id)).toEqual([`lib-${COUNT - 1}`, `lib-${COUNT - 2}`, `lib-${COUNT - 3}`]);
    expect(await reopened.getSession('lib-54321')).toEqual(sessions[54321]);
    expect((await reopened.listSessions({ templateId: 'tpl-7' })).length).toBe(COUNT / 20);
    await reopened.close();
  }, 120_000);
});
