import { expect } from 'vitest';
import type { StoreCase } from './store-case-kit.js';
import { isoAt, makeTemplate } from './store-fixtures.js';

/** Templates. */
export const templateCases: StoreCase[] = [
  {
    group: 'templates',
    name: 'putTemplate then getTemplate by id and by name',
    async run({ store }) {
      const template = makeTemplate('t-1', { name: 'add-endpoint' });
      await store.putTemplate(template);
      expect(
        await store.getTemplate('t-1'),
        "the port requires: add-endpoint (checking await store.getTemplate('t-1'))",
      ).toEqual(template);
      expect(
        await store.getTemplate('add-endpoint'),
        "the port requires: add-endpoint (checking await store.getTemplate('add-endpoint'))",
      ).toEqual(template);
      expect(
        await store.getTemplate('missing'),
        "the port requires: add-endpoint (checking await store.getTemplate('missing'))",
      ).toBeUndefined();
    },
  },
  {
    group: 'templates',
    name: 'putTemplate replaces a template with the same id',
    async run({ store }) {
      await store.putTemplate(makeTemplate('t-2', { name: 'old-name' }));
      const replaced = makeTemplate('t-2', {
        name: 'new-name',
        text: 'Changed {{x}}',
        variables: [],
        updatedAt: isoAt(9),
      });
      await store.putTemplate(replaced);
      expect(
        await store.getTemplate('t-2'),
        "the port requires: new-name (checking await store.getTemplate('t-2'))",
      ).toEqual(replaced);
      expect(
        await store.getTemplate('new-name'),
        "the port requires: new-name (checking await store.getTemplate('new-name'))",
      ).toEqual(replaced);
      expect(
        await store.getTemplate('old-name'),
        "the port requires: new-name (checking await store.getTemplate('old-name'))",
      ).toBeUndefined();
      expect(
        await store.listTemplates(),
        'the port requires: new-name (checking await store.listTemplates())',
      ).toHaveLength(1);
    },
  },
  {
    group: 'templates',
    name: 'listTemplates lists every template',
    async run({ store }) {
      expect(
        await store.listTemplates(),
        'the port requires: listTemplates lists every template (checking await store.listTemplates())',
      ).toEqual([]);
      const templates = [
        makeTemplate('t-b', { name: 'beta' }),
        makeTemplate('t-a', { name: 'alpha' }),
        makeTemplate('t-c', { name: 'gamma', tags: [] }),
      ];
      for (const t of templates) await store.putTemplate(t);
      const listed = await store.listTemplates();
      expect(
        [...listed].sort((a, b) => (a.id < b.id ? -1 : 1)),
        'the port requires: gamma (checking [...listed].sort((a, b) => (a.id < b.id ? -1 : 1)))',
      ).toEqual([...templates].sort((a, b) => (a.id < b.id ? -1 : 1)));
    },
  },
  {
    group: 'templates',
    name: 'deleteTemplate removes a template and reports whether it did',
    async run({ store }) {
      await store.putTemplate(makeTemplate('t-d', { name: 'doomed' }));
      await store.putTemplate(makeTemplate('t-k', { name: 'kept' }));
      expect(
        await store.deleteTemplate('t-d'),
        "the port requires: kept (checking await store.deleteTemplate('t-d'))",
      ).toBe(true);
      expect(
        await store.deleteTemplate('t-d'),
        "the port requires: kept (checking await store.deleteTemplate('t-d'))",
      ).toBe(false);
      expect(
        await store.deleteTemplate('never'),
        "the port requires: kept (checking await store.deleteTemplate('never'))",
      ).toBe(false);
      expect(
        await store.getTemplate('t-d'),
        "the port requires: kept (checking await store.getTemplate('t-d'))",
      ).toBeUndefined();
      expect(
        await store.getTemplate('doomed'),
        "the port requires: kept (checking await store.getTemplate('doomed'))",
      ).toBeUndefined();
      expect(
        (await store.listTemplates()).map((t) => t.id),
        'the port requires: kept (checking (await store.listTemplates()).map((t) => t.id))',
      ).toEqual(['t-k']);
    },
  },
];
