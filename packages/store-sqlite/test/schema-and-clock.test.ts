import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { progressEventOf, rejection, watchChild } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, openSqliteStore } from '../src/index.js';
import { OPEN_WORKER, sessionOf, spawnTs, tempDirsPerTest } from './helpers.js';
import { V1_SQL } from './legacy-schema.js';

const fresh = tempDirsPerTest();

/** A version-1 file with `events` usage events on one session: its migration backfills every one. */
function writeV1File(path: string, events: number): void {
  const db = new DatabaseSync(path);
  db.exec(V1_SQL);
  db.exec('BEGIN');
  const session = sessionOf('old', { createdAt: '2026-03-02T09:00:00.000Z' });
  db.prepare('INSERT INTO sessions (pk, id, state, template_id, created_ms) VALUES (1, ?, ?, NULL, ?)').run(
    'old',
    'created',
    Date.parse(session.createdAt),
  );
  db.prepare('INSERT INTO session_docs (pk, data) VALUES (1, ?)').run(JSON.stringify(session));
  const insert = db.prepare('INSERT INTO events (session_pk, seq, type, at, data) VALUES (1, ?, ?, ?, ?)');
  const usage = { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.001 };
  for (let seq = 1; seq <= events; seq++) {
    const at = '2026-03-02T09:00:00.000Z';
    const event = { type: 'usage.recorded', sessionId: 'old', seq, at, phase: 'execution', usage };
    insert.run(seq, event.type, at, JSON.stringify(event));
  }
  db.exec('COMMIT');
  db.close();
}

describe('schema changes around a running store', () => {
  it('a process killed during a migration leaves the old schema; the next open migrates it whole', async () => {
    const dir = await fresh();
    const path = join(dir, 'old.db');
    const EVENTS = 40_000;
    writeV1File(path, EVENTS);
    let killedMidway = 0;
    for (const delayMs of [30, 80, 150, 300]) {
      const child = spawnTs(OPEN_WORKER, [JSON.stringify({ path })]);
      const watch = watchChild(child);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill('SIGKILL');
      await watch.exited;
      // The worker prints its one line only once the store is open (migrated).
      if (watch.lines.length === 0) killedMidway++;
      const check = new DatabaseSync(path, { readOnly: true });
      const version = Number(check.prepare('SELECT max(version) AS v FROM schema_version').get()?.v);
      const count = Number(check.prepare('SELECT count(*) AS n FROM events').get()?.n);
      check.close();
      expect([1, LATEST_SCHEMA_VERSION], 'a killed migration leaves version 1 or the latest, never between').toContain(
        version,
      );
      expect(count, 'no event is lost to a killed migration').toBe(EVENTS);
    }
    expect(killedMidway, 'at least one kill must land before the migration finished').toBeGreaterThan(0);
    const store = await openSqliteStore({ path });
    expect(await store.checkIntegrity()).toEqual(['ok']);
    expect((await store.readEvents('old')).length).toBe(EVENTS);
    const report = await store.analytics();
    expect(report.usage.total.inputTokens, 'the backfilled usage rows count every event once').toBe(EVENTS);
    await store.close();
  }, 120_000);

  it('a store already open when another process installs a newer schema refuses to write', async () => {
    const dir = await fresh();
    const path = join(dir, 'store.db');
    const store = await openSqliteStore({ path });
    await store.createSession(sessionOf('s'));
    // A newer package migrates the file: new DDL and a higher version.
    const newer = new DatabaseSync(path);
    newer.exec('CREATE TABLE future_feature (x INTEGER)');
    newer.exec(`UPDATE schema_version SET version = ${LATEST_SCHEMA_VERSION + 1}`);
    newer.close();
    const error = await rejection(store.appendEvents('s', [progressEventOf('s', 'old writer')]));
    expect(error).toMatchObject({ name: 'StoreError', code: 'store.schema_too_new' });
    expect(error.message).toContain('upgrade');
    // Every path of an append: to a missing session, with a record patch, and sharing a commit.
    const refused = await Promise.allSettled([
      store.appendEvents('missing', [progressEventOf('missing', 'old writer')]),
    ]);
    const shared = await Promise.allSettled([
      store.appendEventsAndUpdate('s', [progressEventOf('s', 'old writer')], { state: 'planning' }),
      store.appendEvents('s', [progressEventOf('s', 'old writer')]),
    ]);
    const alone = await Promise.allSettled([
      store.appendEventsAndUpdate('s', [progressEventOf('s', 'old writer')], { state: 'planning' }),
    ]);
    for (const result of [...refused, ...shared, ...alone]) {
      expect(result.status === 'rejected' && result.reason).toMatchObject({ code: 'store.schema_too_new' });
    }
    // Reads still work; nothing was written.
    expect(await store.readEvents('s')).toEqual([]);
    await store.close();
    expect(await rejection(openSqliteStore({ path }))).toMatchObject({ code: 'store.schema_too_new' });
  });

  it('a clock that goes backwards between appends keeps seq order; durations never go negative', async () => {
    const dir = await fresh();
    let now = Date.UTC(2026, 2, 2, 12);
    const store = await openSqliteStore({ path: join(dir, 'store.db'), now: () => new Date(now) });
    await store.createSession(sessionOf('c'));
    await store.appendEvents('c', [
      { type: 'step.started', sessionId: 'c', stepId: 'execute:0', step: 'execute', attempt: 0 },
    ]);
    now -= 3_600_000; // an NTP step back by an hour
    await store.appendEvents('c', [
      { type: 'step.finished', sessionId: 'c', stepId: 'execute:0', step: 'execute', output: {} },
    ]);
    const events = await store.readEvents('c');
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(events.map((e) => e.at)).toEqual(['2026-03-02T12:00:00.000Z', '2026-03-02T11:00:00.000Z']);
    const report = await store.analytics();
    expect(report.phaseDurations).toEqual([{ phase: 'execution', count: 1, p50Ms: 0, p95Ms: 0 }]);
    await store.close();
  });
});
