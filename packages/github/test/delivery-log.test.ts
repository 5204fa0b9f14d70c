import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHostError, SqliteDeliveryLog, type WebhookJob } from '../src/index.js';

const JOB: WebhookJob = { kind: 'issue', repo: 'octo/app', number: 1, sender: 'octocat', via: 'label' };
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessionhub-delivery-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SqliteDeliveryLog', () => {
  it('opens a file written before leases existed: adds the lease columns, and its queued jobs can be taken', async () => {
    const path = join(dir, 'old.db');
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE sessionhub_github_deliveries (
      delivery_id TEXT PRIMARY KEY, event TEXT NOT NULL, dedup_key TEXT, received_at TEXT NOT NULL,
      job TEXT, state TEXT NOT NULL, session_id TEXT, note TEXT)`);
    old
      .prepare('INSERT INTO sessionhub_github_deliveries VALUES (?, ?, NULL, ?, ?, ?, ?, NULL)')
      .run('d1', 'issues.labeled', new Date().toISOString(), JSON.stringify(JOB), 'queued', 'session-1');
    old.close();
    const log = SqliteDeliveryLog.open({ path });
    try {
      expect(log.take()).toEqual([{ deliveryId: 'd1', job: JOB, sessionId: 'session-1' }]);
      expect(log.get('d1')).toMatchObject({ state: 'queued', owner: log.owner });
      expect(await log.claim('d1', 'issues.labeled', JOB)).toBe(false);
    } finally {
      log.close();
    }
  });

  it('leases a claimed job to its owner: another owner takes it only once released, and only one of two', async () => {
    const path = join(dir, 'shared.db');
    const [a, b, c] = ['a', 'b', 'c'].map((owner) => SqliteDeliveryLog.open({ path, owner }));
    try {
      expect(await a?.claim('d1', 'issues.labeled', JOB)).toBe(true);
      expect(await b?.claim('d1', 'issues.labeled', JOB)).toBe(false);
      expect(await a?.claim('d2', 'issues.labeled', null)).toBe(true); // nothing to do: no lease
      expect(b?.take()).toEqual([]);
      a?.renew();
      expect(c?.take()).toEqual([]);
      a?.release();
      const taken = [b?.take(), c?.take()];
      expect(taken.flat().map((q) => q?.deliveryId)).toEqual(['d1']);
      expect(a?.take({ own: true })).toEqual([]);
      const holder = taken[0]?.length ? b : c;
      holder?.finish('d1', 'done');
      expect(a?.get('d1')).toEqual({ event: 'issues.labeled', state: 'done' });
    } finally {
      for (const log of [a, b, c]) log?.close();
    }
  });

  it('claims made at once share one commit: the first of the same id wins; a locked file fails them all, typed, recording nothing', async () => {
    const path = join(dir, 'batch.db');
    const log = SqliteDeliveryLog.open({ path, busyTimeoutMs: 50 });
    const other = new DatabaseSync(path);
    try {
      const fresh = await Promise.all([
        log.claim('d1', 'issues.labeled', JOB),
        log.claim('d1', 'issues.labeled', JOB),
        log.claim('d2', 'issues.labeled', JOB),
      ]);
      expect(fresh).toEqual([true, false, true]);
      other.exec('BEGIN IMMEDIATE'); // another process holds the write lock
      const failed = await Promise.allSettled([
        log.claim('d3', 'issues.labeled', JOB),
        log.claim('d4', 'issues.labeled', null),
      ]);
      expect(failed.map((r) => r.status === 'rejected' && (r.reason as GitHostError).code)).toEqual([
        'git_host.delivery_log_unavailable',
        'git_host.delivery_log_unavailable',
      ]);
      other.exec('ROLLBACK');
      expect([log.get('d3'), log.get('d4')]).toEqual([undefined, undefined]);
      expect(await log.claim('d3', 'issues.labeled', JOB)).toBe(true);
    } finally {
      other.close();
      log.close();
    }
  });

  it('refuses an empty owner and a lease too short, with a typed error', () => {
    const path = join(dir, 'x.db');
    for (const options of [{ owner: ' ' }, { leaseMs: 0 }, { leaseMs: Number.NaN }]) {
      expect(() => SqliteDeliveryLog.open({ path, ...options })).toThrow(
        expect.objectContaining({ code: 'git_host.invalid_option' }),
      );
      expect(() => SqliteDeliveryLog.open({ path, ...options })).toThrow(GitHostError);
    }
  });
});
