import { expect } from 'vitest';
import type { StoreCase } from './store-case-kit.js';
import { isoAt, makeFoundationVersion } from './store-fixtures.js';

/** Foundation versions. */
export const foundationCases: StoreCase[] = [
  {
    group: 'foundation',
    name: 'listFoundationVersions returns versions oldest first, filtered by path',
    async run({ store }) {
      expect(await store.listFoundationVersions()).toEqual([]);
      const v1 = makeFoundationVersion('1.0', { at: isoAt(1), sessionId: 's-a' });
      const v2 = makeFoundationVersion('1.1', { at: isoAt(2), previousVersion: '1.0', sessionId: 's-b' });
      const other = makeFoundationVersion('2.22A', { at: isoAt(3), path: 'docs/OTHER.md', sessionId: 's-c' });
      const v3 = makeFoundationVersion('1.10', { at: isoAt(4), previousVersion: '1.1', sessionId: 's-d' });
      for (const v of [v1, v2, other, v3]) await store.addFoundationVersion(v);
      expect(await store.listFoundationVersions()).toEqual([v1, v2, other, v3]);
      expect(await store.listFoundationVersions({ path: 'FOUNDATION.md' })).toEqual([v1, v2, v3]);
      expect(await store.listFoundationVersions({ path: 'docs/OTHER.md' })).toEqual([other]);
      expect(await store.listFoundationVersions({ path: 'none.md' })).toEqual([]);
    },
  },
];
