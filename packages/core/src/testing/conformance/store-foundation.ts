import { expect } from 'vitest';
import type { StoreCase } from './store-case-kit.js';
import { isoAt, makeFoundationVersion } from './store-fixtures.js';

/** Foundation versions. */
export const foundationCases: StoreCase[] = [
  {
    group: 'foundation',
    name: 'listFoundationVersions returns versions oldest first, filtered by path',
    async run({ store }) {
      expect(
        await store.listFoundationVersions(),
        'the port requires: listFoundationVersions returns versions oldest first, filtered by path (checking await store.listFoundationVersions())',
      ).toEqual([]);
      const v1 = makeFoundationVersion('1.0', { at: isoAt(1), sessionId: 's-a' });
      const v2 = makeFoundationVersion('1.1', { at: isoAt(2), previousVersion: '1.0', sessionId: 's-b' });
      const other = makeFoundationVersion('2.22A', { at: isoAt(3), path: 'docs/OTHER.md', sessionId: 's-c' });
      const v3 = makeFoundationVersion('1.10', { at: isoAt(4), previousVersion: '1.1', sessionId: 's-d' });
      for (const v of [v1, v2, other, v3]) await store.addFoundationVersion(v);
      expect(
        await store.listFoundationVersions(),
        'the port requires: listFoundationVersions returns versions oldest first, filtered by path (checking await store.listFoundationVersions())',
      ).toEqual([v1, v2, other, v3]);
      expect(
        await store.listFoundationVersions({ path: 'FOUNDATION.md' }),
        'the port requires: listFoundationVersions returns versions oldest first, filtered by path',
      ).toEqual([v1, v2, v3]);
      expect(
        await store.listFoundationVersions({ path: 'docs/OTHER.md' }),
        'the port requires: listFoundationVersions returns versions oldest first, filtered by path',
      ).toEqual([other]);
      expect(
        await store.listFoundationVersions({ path: 'none.md' }),
        "the port requires: listFoundationVersions returns versions oldest first, filtered by path (checking await store.listFoundationVersions({ path: 'none.md' }))",
      ).toEqual([]);
    },
  },
  {
    group: 'foundation',
    name: 'listFoundationVersions orders by at as an instant, not by recording order or by text',
    async run({ store }) {
      // Recorded out of time order, and `at` in other ISO-8601 forms (an offset, no milliseconds):
      // "10:30+02:00" is 08:30Z, earlier than "09:00:00.000Z" though it sorts after it as text.
      const late = makeFoundationVersion('1.2', { at: isoAt(120), sessionId: 's-late' });
      const early = makeFoundationVersion('1.0', { at: '2026-03-02T10:30:00+02:00', sessionId: 's-early' });
      const middle = makeFoundationVersion('1.1', { at: isoAt(30), sessionId: 's-middle' });
      for (const v of [late, early, middle]) await store.addFoundationVersion(v);
      expect(
        (await store.listFoundationVersions()).map((v) => v.version),
        'listFoundationVersions must return versions oldest `at` first, comparing `at` as instants',
      ).toEqual(['1.0', '1.1', '1.2']);
      expect(
        (await store.listFoundationVersions({ path: 'FOUNDATION.md' })).map((v) => v.version),
        'the path filter must keep the oldest-first order',
      ).toEqual(['1.0', '1.1', '1.2']);
    },
  },
];
