import { progressEventOf, sessionOf } from '@sessionhub/core/testing';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  adminClient,
  fileCluster,
  freshSchema,
  openIn,
  PATIENT,
  PG_SKIP,
  skipWithReason,
  until,
} from './support/pg.js';

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call must reject'),
    (error: unknown) => error,
  );
}

if (PG_SKIP) skipWithReason('PostgreSQL store: abort of a call in flight');
else {
  const cluster = fileCluster();
  afterAll(() => cluster.stop());
  /** Server processes of the store (application `sessionhub`) whose statement waits on a lock. */
  const waitingOnLock = async (client: pg.Client): Promise<number[]> => {
    const r = await client.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE application_name = 'sessionhub' AND wait_event_type = 'Lock'",
    );
    return r.rows.map((row) => row.pid);
  };

  describe('PostgreSQL store: abort of a call in flight', () => {
    it('a read waiting on a lock rejects with the reason while the lock still holds; its statement is cancelled on the server and its connection discarded; the pool goes on', async () => {
      const c = await cluster.get();
      const schema = freshSchema('abort_read');
      const store = await openIn(c, schema, PATIENT);
      await store.createSession(sessionOf('kept'));
      const locker = await adminClient(cluster);
      const observer = await adminClient(cluster);
      try {
        await locker.query('BEGIN');
        await locker.query(`LOCK TABLE "${schema}".sessions IN ACCESS EXCLUSIVE MODE`);
        const controller = new AbortController();
        const read = rejectionOf(store.searchLibrary({ text: 'request' }, { signal: controller.signal }));
        const [waiting] = await until('the search to wait on the lock', async () => {
          const pids = await waitingOnLock(observer);
          return pids.length > 0 ? pids : undefined;
        });
        const reason = new Error('the caller gave up');
        controller.abort(reason);
        expect(await read, 'rejects with the signal’s reason itself').toBe(reason);
        // The server stops the statement (it would otherwise wait out the 10-minute lock timeout) and
        // the connection it ran on is closed rather than pooled.
        await until('the cancelled statement’s server process to end', async () => {
          const r = await observer.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [waiting]);
          return r.rowCount === 0 ? true : undefined;
        });
        // The store's one connection slot is free and sound while the lock still holds.
        expect(await store.getTemplate('none')).toBeUndefined();
        await locker.query('ROLLBACK');
        expect((await store.getSession('kept'))?.id).toBe('kept');
      } finally {
        await locker.end();
        await observer.end();
        await store.close();
      }
    });

    it('an append waiting for the session’s row lock rejects on abort and writes nothing; the next append takes seq 1', async () => {
      const c = await cluster.get();
      const schema = freshSchema('abort_write');
      const store = await openIn(c, schema, PATIENT);
      await store.createSession(sessionOf('held'));
      const holder = await adminClient(cluster);
      const observer = await adminClient(cluster);
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT 1 FROM "${schema}".sessions WHERE id = 'held' FOR UPDATE`);
        const controller = new AbortController();
        const append = rejectionOf(
          store.appendEvents('held', [progressEventOf('held', 'aborted')], { signal: controller.signal }),
        );
        await until('the append to wait for the row lock', async () =>
          (await waitingOnLock(observer)).length > 0 ? true : undefined,
        );
        const reason = new Error('stop');
        controller.abort(reason);
        expect(await append).toBe(reason);
        await until('no statement of the store to wait on the lock', async () =>
          (await waitingOnLock(observer)).length === 0 ? true : undefined,
        );
        await holder.query('COMMIT');
      } finally {
        await holder.end();
        await observer.end();
      }
      expect(await store.readEvents('held')).toEqual([]);
      const [next] = await store.appendEvents('held', [progressEventOf('held', 'next')]);
      expect(next?.seq).toBe(1);
      await store.close();
    });

    it('a call waiting for a free connection rejects on abort, and the connection it would have had stays in the pool', async () => {
      const c = await cluster.get();
      const schema = freshSchema('abort_pool');
      const store = await openIn(c, schema, PATIENT);
      await store.createSession(sessionOf('s'));
      const locker = await adminClient(cluster);
      const observer = await adminClient(cluster);
      try {
        await locker.query('BEGIN');
        await locker.query(`LOCK TABLE "${schema}".sessions IN ACCESS EXCLUSIVE MODE`);
        // The one connection waits on the lock; the next call waits for that connection.
        const busy = store.listSessions();
        await until('the list to wait on the lock', async () =>
          (await waitingOnLock(observer)).length > 0 ? true : undefined,
        );
        const controller = new AbortController();
        const queued = rejectionOf(store.getTemplate('none', { signal: controller.signal }));
        const reason = new Error('not waiting any longer');
        controller.abort(reason);
        expect(await queued).toBe(reason);
        await locker.query('ROLLBACK');
        expect((await busy).map((s) => s.id)).toEqual(['s']);
        // With one connection in all, a connection kept by the aborted call would leave this waiting forever.
        expect(await store.getTemplate('none')).toBeUndefined();
        expect((await store.listSessions()).map((s) => s.id)).toEqual(['s']);
      } finally {
        await locker.end();
        await observer.end();
        await store.close();
      }
    });
  });
}
