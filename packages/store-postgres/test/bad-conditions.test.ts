import { StoreError } from '@sessionhub/core';
import { progressEventOf, sessionOf } from '@sessionhub/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, openPostgresStore } from '../src/index.js';
import { freePort } from './support/cluster.js';
import { adminClient, fileCluster, freshSchema, openIn, PG_SKIP, skipWithReason } from './support/pg.js';

async function rejection(promise: Promise<unknown>): Promise<StoreError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the call must reject with a StoreError').toBeInstanceOf(StoreError);
  return err as StoreError;
}

describe('PostgreSQL unreachable at start', () => {
  it('is store.unavailable naming host, port and the cause, never the password', async () => {
    const port = await freePort();
    const err = await rejection(
      openPostgresStore({
        connectionString: `postgres://app:hunter2@127.0.0.1:${port}/sessions`,
        connectTimeoutMs: 2000,
      }),
    );
    expect(err.code).toBe('store.unavailable');
    expect(err.message).toContain(`127.0.0.1:${port}/sessions`);
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).not.toContain('hunter2');
  });
});

if (PG_SKIP) skipWithReason('PostgreSQL store under bad conditions');
else {
  const cluster = fileCluster();
  afterAll(() => cluster.stop());

  describe('PostgreSQL store under bad conditions', () => {
    it('a schema newer than the code: opening refuses with both versions; an open store refuses writes', async () => {
      const c = await cluster.get();
      const schema = freshSchema('newer');
      const store = await openIn(c, schema);
      await store.createSession(sessionOf('kept'));
      const client = await adminClient(cluster);
      try {
        await client.query(`UPDATE "${schema}".schema_version SET version = 99`);
      } finally {
        await client.end();
      }
      const err = await rejection(openIn(c, schema));
      expect(err.code).toBe('store.schema_too_new');
      expect(err.message).toContain('schema version 99');
      expect(err.message).toContain(`newer than ${LATEST_SCHEMA_VERSION}`);
      const write = await rejection(store.appendEvents('kept', [progressEventOf('kept', 'x')]));
      expect(write.code).toBe('store.schema_too_new');
      expect(await store.readEvents('kept')).toEqual([]);
      await store.close();
    });

    it('processes opening a fresh schema at once migrate it exactly once, and all can write', async () => {
      const c = await cluster.get();
      const schema = freshSchema('race');
      const stores = await Promise.all(Array.from({ length: 6 }, () => openIn(c, schema, { maxConnections: 1 })));
      await Promise.all(stores.map((s, i) => s.createSession(sessionOf(`r${i}`))));
      expect((await stores[0]?.listSessions())?.length).toBe(6);
      const client = await adminClient(cluster);
      try {
        const rows = await client.query(`SELECT version FROM "${schema}".schema_version`);
        expect(rows.rows).toEqual([{ version: LATEST_SCHEMA_VERSION }]);
      } finally {
        await client.end();
      }
      await Promise.all(stores.map((s) => s.close()));
    });

    it('a statement past statement_timeout is store.unavailable and writes nothing; the next append works', async () => {
      const c = await cluster.get();
      const schema = freshSchema('timeout');
      const store = await openIn(c, schema, { statementTimeoutMs: 300, lockTimeoutMs: 60_000 });
      await store.createSession(sessionOf('held'));
      const holder = await adminClient(cluster);
      try {
        // Another connection holds the session's row, so the append waits past its statement timeout.
        await holder.query('BEGIN');
        await holder.query(`SELECT 1 FROM "${schema}".sessions WHERE id = 'held' FOR UPDATE`);
        const err = await rejection(store.appendEvents('held', [progressEventOf('held', 'late')]));
        expect(err.code).toBe('store.unavailable');
        expect(err.message).toMatch(/timed out|cancel/);
        await holder.query('ROLLBACK');
      } finally {
        await holder.end();
      }
      expect(await store.readEvents('held')).toEqual([]);
      const [next] = await store.appendEvents('held', [progressEventOf('held', 'now')]);
      expect(next?.seq).toBe(1);
      await store.close();
    });

    it('the server goes away: calls fail store.unavailable; once it is back the same store continues, nothing lost', async () => {
      const c = await cluster.get();
      const schema = freshSchema('restart');
      const store = await openIn(c, schema);
      await store.createSession(sessionOf('s'));
      await store.appendEvents('s', [progressEventOf('s', 'before')]);
      await c.stop();
      try {
        const err = await rejection(store.appendEvents('s', [progressEventOf('s', 'while down')]));
        expect(err.code).toBe('store.unavailable');
        expect(err.message).toContain(`127.0.0.1:${c.port}`);
      } finally {
        await c.start();
      }
      const [after] = await store.appendEvents('s', [progressEventOf('s', 'after')]);
      expect(after?.seq).toBe(2);
      expect((await store.readEvents('s')).map((e) => (e.type === 'executor.progress' ? e.message : ''))).toEqual([
        'before',
        'after',
      ]);
      await store.close();
    });

    it('never opens more connections than maxConnections, however many calls run at once', async () => {
      const c = await cluster.get();
      const schema = freshSchema('pool');
      const store = await openIn(c, schema, { maxConnections: 2 });
      await Promise.all(Array.from({ length: 8 }, (_, i) => store.createSession(sessionOf(`p${i}`))));
      const counts: number[] = [];
      const client = await adminClient(cluster);
      try {
        const load = Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            store.appendEvents(`p${i % 8}`, [progressEventOf(`p${i % 8}`, `m${i}`)]),
          ),
        );
        for (let i = 0; i < 5; i++) {
          const r = await client.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'sessionhub' AND datname = 'postgres'",
          );
          counts.push(r.rows[0].n);
        }
        await load;
      } finally {
        await client.end();
      }
      expect(Math.max(...counts)).toBeLessThanOrEqual(2);
      const seqs = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => (await store.readEvents(`p${i}`)).length),
      );
      expect(seqs.reduce((a, b) => a + b, 0)).toBe(40);
      await store.close();
    });
  });
}
