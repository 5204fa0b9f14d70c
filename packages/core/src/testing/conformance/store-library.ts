import { expect } from 'vitest';
import type { Session } from '../../model/session.js';
import type { Store } from '../../ports/store.js';
import type { StoreCase } from './store-case-kit.js';
import { isoDay, makeSession } from './store-fixtures.js';

/** Library sessions with one unique word each and shared words with different weights. */
async function seedLibrary(store: Store): Promise<void> {
  const sessions = [
    makeSession('l-1', {
      state: 'succeeded',
      createdAt: isoDay(0),
      name: 'Add pagination to the orders endpoint',
      instruction: 'Orders must be listed page by page. zebracorn appears only here.',
      summary: 'Pagination works',
      tags: ['api', 'orders'],
      templateId: 'tpl-api',
    }),
    makeSession('l-2', {
      state: 'failed',
      createdAt: isoDay(1),
      name: 'Fix flaky checkout test',
      instruction: 'The checkout test fails one run in ten.',
      summary: 'Could not reproduce the flake',
      tags: ['tests', 'checkout'],
    }),
    makeSession('l-3', {
      state: 'succeeded',
      createdAt: isoDay(2),
      name: 'Document the orders API',
      instruction: 'Write reference docs for every orders route.',
      summary: 'Docs written; quasarmint glossary added',
      tags: ['docs', 'api'],
      templateId: 'tpl-docs',
    }),
    makeSession('l-4', {
      state: 'succeeded',
      createdAt: isoDay(3),
      name: 'Speed up the build',
      instruction: 'Builds must finish in under a minute.',
      summary: 'Build cached',
      tags: ['ci', 'velvetfjord'],
      templateId: 'tpl-api',
    }),
    makeSession('l-5', { state: 'executing', createdAt: isoDay(4), name: 'Still running', tags: ['api'] }),
  ];
  for (const session of sessions) await store.createSession(session);
}

const hitIds = (hits: Array<{ session: Session }>) => hits.map((h) => h.session.id);

/** Library search. */
export const libraryCases: StoreCase[] = [
  {
    group: 'library',
    name: 'searchLibrary finds a session by a word unique to it, first',
    async run({ store }) {
      await seedLibrary(store);
      // A word in the instruction, in the summary, in the tags.
      expect(
        hitIds(await store.searchLibrary({ text: 'zebracorn' }))[0],
        "the port requires: searchLibrary finds a session by a word unique to it, first (checking hitIds(await store.searchLibrary({ text: 'zebracorn' }))[0])",
      ).toBe('l-1');
      expect(
        hitIds(await store.searchLibrary({ text: 'quasarmint' }))[0],
        "the port requires: searchLibrary finds a session by a word unique to it, first (checking hitIds(await store.searchLibrary({ text: 'quasarmint' }))[0])",
      ).toBe('l-3');
      expect(
        hitIds(await store.searchLibrary({ text: 'velvetfjord' }))[0],
        "the port requires: searchLibrary finds a session by a word unique to it, first (checking hitIds(await store.searchLibrary({ text: 'velvetfjord' }))[0])",
      ).toBe('l-4');
      expect(
        hitIds(await store.searchLibrary({ text: 'flaky' }))[0],
        "the port requires: searchLibrary finds a session by a word unique to it, first (checking hitIds(await store.searchLibrary({ text: 'flaky' }))[0])",
      ).toBe('l-2');
    },
  },
  {
    group: 'library',
    name: 'searchLibrary returns hits best first with numeric scores',
    async run({ store }) {
      await seedLibrary(store);
      const hits = await store.searchLibrary({ text: 'orders' });
      expect(
        hitIds(hits).sort(),
        'the port requires: searchLibrary returns hits best first with numeric scores (checking hitIds(hits).sort())',
      ).toEqual(['l-1', 'l-3']);
      for (const hit of hits)
        expect(
          Number.isFinite(hit.score),
          'the port requires: searchLibrary returns hits best first with numeric scores (checking Number.isFinite(hit.score))',
        ).toBe(true);
      for (let i = 1; i < hits.length; i++) {
        expect(
          (hits[i - 1] as { score: number }).score,
          'the port requires: searchLibrary returns hits best first with numeric scores (checking (hits[i - 1] as { score: number }).score)',
        ).toBeGreaterThanOrEqual((hits[i] as { score: number }).score);
      }
    },
  },
  {
    group: 'library',
    name: 'searchLibrary with empty text lists every session matching the filters',
    async run({ store }) {
      await seedLibrary(store);
      expect(
        hitIds(await store.searchLibrary({})).sort(),
        'the port requires: searchLibrary with empty text lists every session matching the filters (checking hitIds(await store.searchLibrary({})).sort())',
      ).toEqual(['l-1', 'l-2', 'l-3', 'l-4', 'l-5']);
      expect(
        hitIds(await store.searchLibrary({ text: '' })).sort(),
        "the port requires: searchLibrary with empty text lists every session matching the filters (checking hitIds(await store.searchLibrary({ text: '' })).sort())",
      ).toEqual(['l-1', 'l-2', 'l-3', 'l-4', 'l-5']);
      expect(
        hitIds(await store.searchLibrary({ text: '', state: 'succeeded' })).sort(),
        'the port requires: searchLibrary with empty text lists every session matching the filters',
      ).toEqual(['l-1', 'l-3', 'l-4']);
    },
  },
  {
    group: 'library',
    name: 'searchLibrary honours state, template, tag and date filters',
    async run({ store }) {
      await seedLibrary(store);
      expect(
        hitIds(await store.searchLibrary({ text: 'orders', state: 'succeeded', templateId: 'tpl-docs' })),
        'the port requires: searchLibrary honours state, template, tag and date filters',
      ).toEqual(['l-3']);
      expect(
        hitIds(await store.searchLibrary({ text: 'orders', tags: ['orders'] })),
        'the port requires: searchLibrary honours state, template, tag and date filters',
      ).toEqual(['l-1']);
      expect(
        hitIds(await store.searchLibrary({ text: 'orders', since: isoDay(1) })),
        'the port requires: searchLibrary honours state, template, tag and date filters',
      ).toEqual(['l-3']);
      expect(
        hitIds(await store.searchLibrary({ text: 'orders', until: isoDay(2) })),
        'the port requires: searchLibrary honours state, template, tag and date filters',
      ).toEqual(['l-1']);
      expect(
        hitIds(await store.searchLibrary({ state: ['failed', 'executing'] })).sort(),
        'the port requires: searchLibrary honours state, template, tag and date filters',
      ).toEqual(['l-2', 'l-5']);
      expect(
        hitIds(await store.searchLibrary({ templateId: 'tpl-api' })).sort(),
        "the port requires: searchLibrary honours state, template, tag and date filters (checking hitIds(await store.searchLibrary({ templateId: 'tpl-api' })).sort())",
      ).toEqual(['l-1', 'l-4']);
      expect(
        hitIds(await store.searchLibrary({ tags: ['api'], templateId: 'tpl-api' })),
        'the port requires: searchLibrary honours state, template, tag and date filters',
      ).toEqual(['l-1']);
      expect(
        await store.searchLibrary({ text: 'zebracorn', state: 'failed' }),
        "the port requires: searchLibrary honours state, template, tag and date filters (checking await store.searchLibrary({ text: 'zebracorn', state: 'failed' }))",
      ).toEqual([]);
    },
  },
  {
    group: 'library',
    name: 'searchLibrary honours limit',
    async run({ store }) {
      await seedLibrary(store);
      expect(
        await store.searchLibrary({ limit: 2 }),
        'the port requires: searchLibrary honours limit (checking await store.searchLibrary({ limit: 2 }))',
      ).toHaveLength(2);
      const one = await store.searchLibrary({ text: 'zebracorn', limit: 1 });
      expect(hitIds(one), 'the port requires: searchLibrary honours limit (checking hitIds(one))').toEqual(['l-1']);
    },
  },
  {
    group: 'library',
    name: 'searchLibrary ignores case and punctuation and accepts any text',
    async run({ store }) {
      await seedLibrary(store);
      expect(
        hitIds(await store.searchLibrary({ text: 'ZebraCorn?' }))[0],
        "the port requires: searchLibrary ignores case and punctuation and accepts any text (checking hitIds(await store.searchLibrary({ text: 'ZebraCorn?' }))[0])",
      ).toBe('l-1');
      expect(
        hitIds(await store.searchLibrary({ text: '"velvetfjord"' }))[0],
        'the port requires: searchLibrary ignores case and punctuation and accepts any text (checking hitIds(await store.searchLibrary({ text: \'"velvetfjord"\' }))[0])',
      ).toBe('l-4');
      // Query-language operators and stray quotes are plain text, never a syntax error.
      for (const text of ['"unbalanced (paren', 'AND OR NOT', 'orders*', 'a:b ^c -d', "it's", '%_\\', '  ']) {
        const hits = await store.searchLibrary({ text });
        expect(Array.isArray(hits), text).toBe(true);
      }
    },
  },
  {
    group: 'library',
    name: 'searchLibrary with no match returns an empty list',
    async run({ store }) {
      await seedLibrary(store);
      expect(
        await store.searchLibrary({ text: 'xylophonequark' }),
        "the port requires: searchLibrary with no match returns an empty list (checking await store.searchLibrary({ text: 'xylophonequark' }))",
      ).toEqual([]);
    },
  },
  {
    group: 'library',
    name: 'searchLibrary sees updated sessions',
    async run({ store }) {
      await seedLibrary(store);
      await store.updateSession('l-5', {
        instruction: 'Now about moonquiver',
        state: 'succeeded',
        tags: ['api', 'fresh'],
      });
      const hits = await store.searchLibrary({ text: 'moonquiver', state: 'succeeded' });
      expect(hitIds(hits), 'the port requires: searchLibrary sees updated sessions (checking hitIds(hits))').toEqual([
        'l-5',
      ]);
      expect(
        hits[0]?.session,
        'the port requires: searchLibrary sees updated sessions (checking hits[0]?.session)',
      ).toEqual(await store.getSession('l-5'));
      expect(
        hitIds(await store.searchLibrary({ tags: ['fresh'] })),
        "the port requires: searchLibrary sees updated sessions (checking hitIds(await store.searchLibrary({ tags: ['fresh'] })))",
      ).toEqual(['l-5']);
    },
  },
  {
    group: 'library',
    name: 'searchLibrary ranked by outcome lists merged work first and reverted work last',
    async run({ store }) {
      const outcomes: Record<string, Array<'merged' | 'closed' | 'reverted' | 'rolled_back'>> = {
        'o-merged': ['merged'],
        'o-none': [],
        'o-closed': ['closed'],
        'o-reverted': ['merged', 'reverted'],
        'o-remerged': ['rolled_back', 'merged'],
      };
      // The best text match (name and tags) is the reverted one; the newest is the one without an outcome.
      for (const [i, id] of Object.keys(outcomes).entries()) {
        await store.createSession(
          makeSession(id, {
            state: 'succeeded',
            createdAt: isoDay(i),
            name: id === 'o-reverted' ? 'Ledger ledger export' : 'Ledger export',
            tags: id === 'o-reverted' ? ['ledger'] : [],
          }),
        );
        await store.appendEvents(id, [
          { type: 'session.finished', sessionId: id, state: 'succeeded' },
          ...(outcomes[id] ?? []).map((kind) => ({
            type: 'outcome.recorded' as const,
            sessionId: id,
            outcome: { kind, source: 'github' },
          })),
          { type: 'outcome.recorded', sessionId: id, outcome: { kind: 'rating', value: 5, source: 'github' } },
        ]);
      }
      const ranked = hitIds(await store.searchLibrary({ text: 'ledger', rankBy: 'outcome' }));
      expect(ranked.slice(0, 2).sort(), 'merged work first (checking the first two hits)').toEqual([
        'o-merged',
        'o-remerged',
      ]);
      expect(ranked.slice(2), 'then no outcome, closed, reverted (checking the rest)').toEqual([
        'o-none',
        'o-closed',
        'o-reverted',
      ]);
      expect(
        hitIds(await store.searchLibrary({ rankBy: 'outcome', limit: 2 })),
        'without text: merged work newest first, and limit applies after the order',
      ).toEqual(['o-remerged', 'o-merged']);
      expect(
        hitIds(await store.searchLibrary({ text: 'ledger' }))[0],
        'by relevance (the default) the best match comes first, whatever became of it',
      ).toBe('o-reverted');
    },
  },
];
