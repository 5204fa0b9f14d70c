import { progressEventOf, sessionOf } from '@sessionhub/core/testing';
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

if (PG_SKIP) skipWithReason('PostgreSQL store: appendEventsAndUpdate in one transaction');
else {
  const cluster = fileCluster();
  afterAll(() => cluster.stop());

  describe('PostgreSQL store: appendEventsAndUpdate in one transaction', () => {
    it('aborted while its insert waits (the session row already locked by it), it rolls back whole: log, record, last_seq', async () => {
      const c = await cluster.get();
      const schema = freshSchema('append_update');
      const store = await openIn(c, schema, PATIENT);
      await store.createSession(sessionOf('held', { summary: 'before' }));
      const locker = await adminClient(cluster);
      const observer = await adminClient(cluster);
      try {
        // Inserts into the events table wait; the session row lock and the record are free to take.
        await locker.query('BEGIN');
        await locker.query(`LOCK TABLE "${schema}".events IN EXCLUSIVE MODE`);
        const controller = new AbortController();
        const write = store
          .appendEventsAndUpdate(
            'held',
            [progressEventOf('held', 'lost')],
            { summary: 'lost' },
            {
              expectedSeq: 0,
              signal: controller.signal,
            },
          )
          .then(
            () => expect.unreachable('the call must reject'),
            (error: unknown) => error,
          );
        await until('the insert to wait on the lock', async () => {
          const r = await observer.query(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = 'sessionhub' AND wait_event_type = 'Lock'",
          );
          return (r.rowCount ?? 0) > 0;
        });
        const reason = new Error('stop');
        controller.abort(reason);
        expect(await write, 'rejects with the signal’s reason itself').toBe(reason);
        await locker.query('ROLLBACK');
      } finally {
        await locker.end();
        await observer.end();
      }
      expect(await store.readEvents('held')).toEqual([]);
      expect((await store.getSession('held'))?.summary).toBe('before');
      // last_seq was rolled back with the rest: a write conditional on an empty log still goes in, at seq 1.
      const next = await store.appendEventsAndUpdate(
        'held',
        [progressEventOf('held', 'next')],
        { summary: 'after' },
        {
          expectedSeq: 0,
        },
      );
      expect(next.events.map((e) => e.seq)).toEqual([1]);
      expect(next.session.summary).toBe('after');
      expect(await store.getSession('held')).toEqual(next.session);
      await store.close();
    });
  });
}
