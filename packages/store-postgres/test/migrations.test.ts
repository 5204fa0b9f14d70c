import { computeAnalytics, type NewSessionEvent } from '@sessionhub/core';
import { sessionOf } from '@sessionhub/core/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../src/index.js';
import { fileCluster, freshSchema, openIn, PG_SKIP, skipWithReason } from './support/pg.js';

const usage = { inputTokens: 20, outputTokens: 4, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.5 };
const gateResources = { commands: 1, cpuMs: 30, peakMemoryBytes: 3_000_000, bytesWritten: 100 };

/** A finished session's log with an execute report and a gate that measured resources, a model and outcomes. */
function events(sessionId: string): NewSessionEvent[] {
  return [
    { type: 'step.started', sessionId, stepId: 'execute:0', step: 'execute', attempt: 0 },
    {
      type: 'step.finished',
      sessionId,
      stepId: 'execute:0',
      step: 'execute',
      output: { resources: { commands: 4, cpuMs: 120.5, peakMemoryBytes: 2_000_000, bytesWritten: 8192 } },
    },
    {
      type: 'usage.recorded',
      sessionId,
      phase: 'execution',
      usage: { ...usage, costUnknown: true, model: 'claude-sonnet-4-6' },
    },
    {
      type: 'verifier.gate',
      sessionId,
      attempt: 0,
      result: { name: 'tests', passed: true, durationMs: 3, output: 'ok', failures: [], resources: gateResources },
    },
    { type: 'session.finished', sessionId, state: 'succeeded' },
    { type: 'outcome.recorded', sessionId, outcome: { kind: 'merged', source: 'github' } },
    { type: 'outcome.recorded', sessionId, outcome: { kind: 'rating', value: 4, source: 'github', by: 'ana' } },
  ];
}

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
      await writer.appendEvents('m-1', events('m-1'));
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
      const stored = await store.readEvents('m-1');
      const report = await store.analytics();
      expect(report).toEqual(computeAnalytics([session], new Map([['m-1', stored]])));
      expect(report.overall).toMatchObject({ merged: 1, rejected: 0, ratings: 1, satisfaction: 4 });
      expect(report.byModel.map((m) => m.model)).toEqual(['claude-sonnet-4-6']);
      expect(report.usage.total.costUnknown).toBe(true);
      expect(report.hostResources.total).toEqual({
        commands: 5,
        cpuMs: 150.5,
        peakMemoryBytes: 3_000_000,
        bytesWritten: 8292,
      });
      await store.appendEvents('m-1', [
        { type: 'outcome.recorded', sessionId: 'm-1', outcome: { kind: 'reverted', source: 'github' } },
      ]);
      expect((await store.analytics()).overall).toMatchObject({ merged: 0, rejected: 1 });
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
