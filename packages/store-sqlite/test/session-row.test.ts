import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type AnalyticsQuery, computeAnalytics, type Session, type SessionEvent } from '@sessionhub/core';
import { roundFloats, sessionOf } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../src/index.js';
import { tempDirsPerTest } from './helpers.js';

const freshDir = tempDirsPerTest();

/** The filter and group columns of every `sessions` row, by id. */
function rowsOf(path: string): Record<string, unknown> {
  const db = new DatabaseSync(path, { readOnly: true });
  const rows = db
    .prepare('SELECT id, state, template_id, created_ms, input_kind, created_day FROM sessions ORDER BY id')
    .all();
  db.close();
  return Object.fromEntries(rows.map(({ id, ...columns }) => [String(id), { ...columns }]));
}

/** What the store's analytics must equal: core's reference over the records and logs it gives back. */
async function expectReferenceAnalytics(store: SqliteStore, queries: AnalyticsQuery[]): Promise<void> {
  const sessions = await store.listSessions();
  const events = new Map<string, SessionEvent[]>();
  for (const s of sessions) events.set(s.id, await store.readEvents(s.id));
  for (const query of queries) {
    expect(roundFloats(await store.analytics(query)), JSON.stringify(query)).toEqual(
      roundFloats(computeAnalytics(sessions, events, query)),
    );
  }
}

const day = (d: number) => new Date(Date.UTC(2026, 2, d, 10)).toISOString();

describe.each(['node:sqlite', 'better-sqlite3'] as const)(
  'updateSession keeps the sessions row in step (%s)',
  (driver) => {
    it('a state-only patch, a patch of no row column, and patches of template, creation time and request kind', async () => {
      const path = join(await freshDir(), 'store.db');
      const store = await openSqliteStore({ path, driver });
      const sessions: Session[] = [
        sessionOf('a', { templateId: 'tpl-1', createdAt: day(2) }),
        sessionOf('b', { templateId: 'tpl-1', createdAt: day(3) }),
        sessionOf('c', { createdAt: day(9) }),
      ];
      for (const s of sessions) await store.createSession(s);

      await store.updateSession('a', { state: 'succeeded' });
      await store.updateSession('b', { summary: 'no row column changes' });
      await store.updateSession('b', { state: 'failed', templateId: 'tpl-2' });
      await store.updateSession('c', { createdAt: day(20), input: { kind: 'template', template: 't', variables: {} } });
      await store.updateSession('c', { state: 'cancelled', templateId: undefined });

      const day20 = Date.parse(day(20));
      expect(rowsOf(path)).toEqual({
        a: {
          state: 'succeeded',
          template_id: 'tpl-1',
          created_ms: Date.parse(day(2)),
          input_kind: 'request',
          created_day: Date.UTC(2026, 2, 2) / 1000,
        },
        b: {
          state: 'failed',
          template_id: 'tpl-2',
          created_ms: Date.parse(day(3)),
          input_kind: 'request',
          created_day: Date.UTC(2026, 2, 3) / 1000,
        },
        c: {
          state: 'cancelled',
          template_id: null,
          created_ms: day20,
          input_kind: 'template',
          created_day: Date.UTC(2026, 2, 20) / 1000,
        },
      });
      expect((await store.listSessions({ templateId: 'tpl-2' })).map((s) => s.id)).toEqual(['b']);
      expect((await store.listSessions({ state: 'cancelled', since: day(10) })).map((s) => s.id)).toEqual(['c']);
      const report = await store.analytics();
      expect(report.overall).toMatchObject({ total: 3, succeeded: 1, failed: 1, cancelled: 1 });
      expect(report.byTemplate.map((t) => [t.templateId, t.total])).toEqual([
        ['tpl-1', 1],
        ['tpl-2', 1],
      ]);
      expect(report.byRequestKind.map((k) => [k.kind, k.total])).toEqual([
        ['request', 2],
        ['template', 1],
      ]);
      await expectReferenceAnalytics(store, [{}, { bucket: 'week' }, { templateId: 'tpl-1' }, { since: day(10) }]);
      await store.close();
    });
  },
);
