import { analyticsBackfillEvents, expectBackfilledAnalytics, sessionOf } from '@sessionhub/core/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../src/index.js';
import { fileCluster, freshSchema, openIn, PG_SKIP, skipWithReason } from './support/pg.js';

if (PG_SKIP) skipWithReason('PostgreSQL store schema migrations');
else {
  const cluster = fileCluster();
  afterAll(() => cluster.stop());

  describe('PostgreSQL store schema migrations', () => {
    it('a version-1 schema migrates: outcomes, host resources and usage models come from its events', async () => {
      const c = await cluster.get();
      const schema = freshSchema('v1');
      const session = sessionOf('m-1', { state: 'succeeded' });
      const writer = await openIn(c, schema);
      await writer.createSession(session);
      await writer.appendEvents('m-1', analyticsBackfillEvents('m-1'));
      await writer.close();
      // Take the schema back to what version 1 created and wrote: no version-2 tables, no model column.
      const admin = new pg.Client({ connectionString: c.url() });
      await admin.connect();
      try {
        await admin.query(`SET search_path TO "${schema}"`);
        await admin.query(`DROP TABLE session_outcomes, latest_ratings, resource_records;
          DROP INDEX usage_records_by_model; ALTER TABLE usage_records DROP COLUMN model, DROP COLUMN cost_unknown;
          UPDATE schema_version SET version = 1`);
      } finally {
        await admin.end();
      }

      const store = await openIn(c, schema);
      await expectBackfilledAnalytics(store, session);
      const check = new pg.Client({ connectionString: c.url() });
      await check.connect();
      try {
        const rows = await check.query(`SELECT version FROM "${schema}".schema_version`);
        expect(rows.rows).toEqual([{ version: LATEST_SCHEMA_VERSION }]);
      } finally {
        await check.end();
      }
      await store.close();
    });
  });
}
