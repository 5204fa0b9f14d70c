import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type AnalyticsQuery, computeAnalytics, type Session, type SessionEvent } from '@sessionhub/core';
import { analyticsBackfillEvents, expectBackfilledAnalytics, roundFloats } from '@sessionhub/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, openSqliteStore } from '../src/index.js';
import { sessionOf, tempDir } from './helpers.js';
import { V1_SQL, V2_ADDED_SQL } from './legacy-schema.js';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute)).toISOString();

const legacySession = sessionOf('old-1', {
  state: 'failed',
  name: 'Migrate the billing ledger',
  instruction: 'Ledger entries must balance.',
  summary: 'Tests failed',
  tags: ['billing', 'legacy'],
  templateId: 'tpl-ledger',
  createdAt: at(0),
});

function legacyEvents(): SessionEvent[] {
  const usage = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 1, cacheWriteTokens: 2, costUsd: 0.125 };
  const gate = {
    name: 'tests',
    passed: false,
    durationMs: 30,
    output: 'x',
    failures: [{ message: 'Expected 3 to equal 4 in /repo/src/a.test.ts' }],
  };
  const base = { sessionId: 'old-1' };
  return [
    { ...base, seq: 1, at: at(1), type: 'step.started', stepId: 'execute:1', step: 'execute', attempt: 1 },
    { ...base, seq: 2, at: at(4), type: 'step.finished', stepId: 'execute:1', step: 'execute', output: {} },
    { ...base, seq: 3, at: at(5), type: 'usage.recorded', phase: 'execution', usage },
    { ...base, seq: 4, at: at(6), type: 'verifier.gate', attempt: 1, result: gate },
    {
      ...base,
      seq: 5,
      at: at(7),
      type: 'session.finished',
      state: 'failed',
      error: { code: 'v', message: 'Failed 2 times' },
    },
  ];
}

/** Writes `session` (its row, document and tags) and its stamped `events` as the old schemas stored them; returns its pk. */
function insertSession(db: DatabaseSync, session: Session, events: readonly SessionEvent[]): number {
  const { pk } = db
    .prepare('INSERT INTO sessions (id, state, template_id, created_ms) VALUES (?, ?, ?, ?) RETURNING pk')
    .get(session.id, session.state, session.templateId ?? null, Date.parse(session.createdAt)) as unknown as {
    pk: number;
  };
  db.prepare('INSERT INTO session_docs (pk, data) VALUES (?, ?)').run(pk, JSON.stringify(session));
  for (const tag of session.tags) db.prepare('INSERT INTO session_tags (tag, session_pk) VALUES (?, ?)').run(tag, pk);
  for (const e of events) {
    db.prepare('INSERT INTO events (session_pk, seq, type, at, data) VALUES (?, ?, ?, ?, ?)').run(
      pk,
      e.seq,
      e.type,
      e.at,
      JSON.stringify(e),
    );
  }
  return pk;
}

function writeV1File(path: string): void {
  const db = new DatabaseSync(path);
  db.exec(V1_SQL);
  insertSession(db, legacySession, legacyEvents());
  db.close();
}

const v2Session = sessionOf('v2-1', { state: 'succeeded', input: { kind: 'request', request: 'x' }, createdAt: at(0) });

/** Core's backfill log, stamped as version 2 stored it (minutes after the session's creation). */
function v2Events(): SessionEvent[] {
  const minutes = [1, 3, 3, 4, 5, 9, 9];
  return analyticsBackfillEvents('v2-1').map((e, i) => ({ ...e, seq: i + 1, at: at(minutes[i] ?? 9) }) as SessionEvent);
}

/** A version-2 file as that release left it: the session, its events and the version-2 side-table rows. */
function writeV2File(path: string): void {
  const db = new DatabaseSync(path);
  db.exec(V1_SQL);
  db.exec(V2_ADDED_SQL);
  const pk = insertSession(db, v2Session, v2Events());
  db.prepare(
    'INSERT INTO library_fts (rowid, name, tags, instruction, summary) VALUES (?, NULL, NULL, NULL, NULL)',
  ).run(pk);
  db.prepare('INSERT INTO step_durations (session_pk, seq, phase, duration_ms) VALUES (?, 2, ?, 120000)').run(
    pk,
    'execution',
  );
  db.prepare(
    `INSERT INTO usage_records (session_pk, seq, phase, input_tokens, output_tokens, cache_read_tokens,
       cache_write_tokens, cost_usd) VALUES (?, 3, 'execution', 20, 4, 0, 0, 0.5)`,
  ).run(pk);
  db.close();
}

const issue = { host: 'github', repo: 'o/r', number: 7, title: 'Bug', body: '', labels: [] };
const merged = { kind: 'merged', source: 'github' } as const;
const rating = (value: number, by: string) => ({ kind: 'rating', value, source: 'github', by }) as const;

/** Sessions over templates, request kinds, states and days (one before 1970), with their outcomes. */
const v4Sessions: Array<[Session, Array<typeof merged | ReturnType<typeof rating>>]> = [
  [sessionOf('v4-1', { state: 'succeeded', templateId: 'tpl-a', createdAt: at(0) }), [merged, rating(4, 'ann')]],
  [
    sessionOf('v4-2', {
      state: 'failed',
      templateId: 'tpl-a',
      input: { kind: 'template', template: 'tpl-a', variables: {} },
      createdAt: '2026-03-09T23:59:59.999Z',
    }),
    [rating(2, 'bo')],
  ],
  [sessionOf('v4-3', { state: 'failed', templateId: 'tpl-b', input: { kind: 'issue', issue }, createdAt: at(30) }), []],
  [sessionOf('v4-4', { state: 'cancelled', createdAt: '1969-12-31T23:00:00.000Z' }), []],
  [sessionOf('v4-5', { state: 'executing', templateId: 'tpl-b', createdAt: '2026-04-30T12:00:00.000Z' }), []],
  [sessionOf('v4-6', { state: 'succeeded', input: { kind: 'issue', issue }, createdAt: at(59) }), []],
];

function versionOf(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  const row = db.prepare('SELECT version FROM schema_version').get() as unknown as { version: number };
  db.close();
  return row.version;
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup) await fn();
  cleanup = [];
});

async function tempPath(): Promise<string> {
  const { dir, remove } = await tempDir();
  cleanup.push(remove);
  return join(dir, 'store.db');
}

describe('schema migrations', () => {
  it('opening a version-1 file migrates it: library index and analytics tables are backfilled', async () => {
    const path = await tempPath();
    writeV1File(path);
    expect(versionOf(path)).toBe(1);

    const store = await openSqliteStore({ path });
    expect(versionOf(path)).toBe(LATEST_SCHEMA_VERSION);
    expect(await store.getSession('old-1')).toEqual(legacySession);
    expect((await store.searchLibrary({ text: 'ledger' })).map((h) => h.session.id)).toEqual(['old-1']);
    expect((await store.searchLibrary({ text: 'billing', tags: ['legacy'] })).map((h) => h.session.id)).toEqual([
      'old-1',
    ]);
    const events = await store.readEvents('old-1');
    expect(events).toEqual(legacyEvents());
    const report = await store.analytics();
    expect(report).toEqual(computeAnalytics([legacySession], new Map([['old-1', events]])));
    expect(report.topFailingGates).toEqual([{ gate: 'tests', failures: 1 }]);
    expect(report.phaseDurations).toEqual([{ phase: 'execution', count: 1, p50Ms: 180_000, p95Ms: 180_000 }]);
    // The log continues where the old file left it.
    const next = await store.appendEvents('old-1', [{ type: 'approval.requested', sessionId: 'old-1' }]);
    expect(next.map((e) => e.seq)).toEqual([6]);
    await store.close();

    // Opening again is a no-op.
    const again = await openSqliteStore({ path });
    expect((await again.readEvents('old-1')).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    await again.close();
  });

  it('opening a version-2 file migrates it: outcomes, host resources and usage models come from its events', async () => {
    const path = await tempPath();
    writeV2File(path);
    expect(versionOf(path)).toBe(2);

    const store = await openSqliteStore({ path });
    expect(versionOf(path)).toBe(LATEST_SCHEMA_VERSION);
    const events = await store.readEvents('v2-1');
    expect(events).toEqual(v2Events());
    await expectBackfilledAnalytics(store, v2Session);
    await store.close();
  });

  it('opening a version-4 file migrates it: sessions_by_group is built and every analytics section counts as before', async () => {
    const path = await tempPath();
    const store4 = await openSqliteStore({ path });
    for (const [session, outcomes] of v4Sessions) {
      await store4.createSession(session);
      await store4.appendEvents(
        session.id,
        outcomes.map((outcome) => ({ type: 'outcome.recorded', sessionId: session.id, outcome })),
      );
    }
    await store4.close();
    // Version 4 is this schema without what version 5 added (one column and one index): take those out again.
    const db = new DatabaseSync(path);
    db.exec('DROP INDEX sessions_by_group; ALTER TABLE sessions DROP COLUMN created_day');
    db.exec('UPDATE schema_version SET version = 4');
    db.close();
    expect(versionOf(path)).toBe(4);

    const store = await openSqliteStore({ path });
    expect(versionOf(path)).toBe(LATEST_SCHEMA_VERSION);
    const check = new DatabaseSync(path, { readOnly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = 'sessions_by_group'").all()).toHaveLength(1);
    expect(check.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    check.close();
    const sessions = await store.listSessions();
    const events = new Map<string, SessionEvent[]>();
    for (const s of sessions) events.set(s.id, await store.readEvents(s.id));
    const queries: AnalyticsQuery[] = [
      {},
      { bucket: 'week' },
      { bucket: 'month' },
      { templateId: 'tpl-a' },
      { since: '1969-12-31T00:00:00.000Z', until: '2026-03-09T00:00:00.000Z', bucket: 'week' },
    ];
    for (const query of queries) {
      const report = await store.analytics(query);
      expect(roundFloats(report), JSON.stringify(query)).toEqual(
        roundFloats(computeAnalytics(sessions, events, query)),
      );
    }
    const report = await store.analytics();
    expect(report.overall).toMatchObject({ total: 6, succeeded: 2, failed: 2, cancelled: 1, merged: 1, ratings: 2 });
    expect(report.overTime.map((b) => b.bucket)).toEqual(['1969-12-31', '2026-03-02', '2026-03-09', '2026-04-30']);
    expect(report.byRequestKind.map((k) => k.kind)).toEqual(['issue', 'request', 'template']);
    await store.close();
  });

  it('a file with a newer schema version fails with store.schema_too_new and is left untouched', async () => {
    const path = await tempPath();
    const store = await openSqliteStore({ path });
    await store.createSession(sessionOf('s-1'));
    await store.close();
    const db = new DatabaseSync(path);
    db.exec(`UPDATE schema_version SET version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();

    const error = await openSqliteStore({ path }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'StoreError', code: 'store.schema_too_new' });
    expect((error as Error).message).toContain(`schema version ${LATEST_SCHEMA_VERSION + 1}`);
    expect(versionOf(path)).toBe(LATEST_SCHEMA_VERSION + 1);
  });

  it('a SQLite file that is not a SessionHub store fails with store.corrupt', async () => {
    const path = await tempPath();
    const db = new DatabaseSync(path);
    db.exec('CREATE TABLE unrelated (x INTEGER)');
    db.close();
    await expect(openSqliteStore({ path })).rejects.toMatchObject({ code: 'store.corrupt' });
  });

  it('connections opened after the migration find the current schema and the derived rows', async () => {
    const path = await tempPath();
    writeV1File(path);
    const stores = await Promise.all(
      Array.from({ length: 3 }, (_, i) => openSqliteStore({ path, driver: i % 2 ? 'node:sqlite' : 'better-sqlite3' })),
    );
    expect(versionOf(path)).toBe(LATEST_SCHEMA_VERSION);
    expect((await stores[0]?.analytics())?.topFailingGates).toEqual([{ gate: 'tests', failures: 1 }]);
    for (const s of stores) await s.close();
  });
});
