import { expect } from 'vitest';
import { progress, type StoreCase } from './store-case-kit.js';
import { makeFoundationVersion, makeSession, makeTemplate } from './store-fixtures.js';

/** Lifecycle: signals and close. */
export const lifecycleCases: StoreCase[] = [
  {
    group: 'lifecycle',
    name: 'a call with an aborted signal rejects and changes nothing',
    async run({ store }) {
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      const { signal } = controller;
      await expect(store.createSession(makeSession('ab-1'), { signal })).rejects.toBeDefined();
      expect(await store.getSession('ab-1')).toBeUndefined();
      await store.createSession(makeSession('ab-2'));
      await expect(store.appendEvents('ab-2', [progress('ab-2', 'x')], { signal })).rejects.toBeDefined();
      expect(await store.readEvents('ab-2')).toEqual([]);
      await expect(store.listSessions({}, { signal })).rejects.toBeDefined();
    },
  },
  {
    group: 'lifecycle',
    name: 'every call after close fails with store.closed',
    async run({ store }) {
      await store.createSession(makeSession('cl-1'));
      await store.close();
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['createSession', () => store.createSession(makeSession('cl-2'))],
        ['getSession', () => store.getSession('cl-1')],
        ['updateSession', () => store.updateSession('cl-1', { state: 'failed' })],
        ['listSessions', () => store.listSessions()],
        ['appendEvents', () => store.appendEvents('cl-1', [progress('cl-1', 'x')])],
        ['readEvents', () => store.readEvents('cl-1')],
        ['searchLibrary', () => store.searchLibrary({ text: 'x' })],
        ['putTemplate', () => store.putTemplate(makeTemplate('t'))],
        ['getTemplate', () => store.getTemplate('t')],
        ['listTemplates', () => store.listTemplates()],
        ['deleteTemplate', () => store.deleteTemplate('t')],
        ['addFoundationVersion', () => store.addFoundationVersion(makeFoundationVersion('1.0'))],
        ['listFoundationVersions', () => store.listFoundationVersions()],
        ['analytics', () => store.analytics()],
      ];
      for (const [method, call] of calls) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((error as { code?: unknown } | undefined)?.code, `${method} after close`).toBe('store.closed');
      }
    },
  },
];
