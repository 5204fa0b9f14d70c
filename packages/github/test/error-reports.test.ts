import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ErrorReportReceiver,
  type QueuedJob,
  renderErrorIssue,
  SqliteDeliveryLog,
  signPayload,
  WebhookReceiver,
} from '../src/index.js';

const SECRET = 'report-secret';
const SENTRY_SECRET = 'sentry-client-secret';
let dir: string;
let log: SqliteDeliveryLog;
let jobs: QueuedJob[];
let reports: ErrorReportReceiver;
let receiver: WebhookReceiver;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessionhub-errors-'));
  log = SqliteDeliveryLog.open({ path: join(dir, 'deliveries.db') });
  jobs = [];
  receiver = new WebhookReceiver({
    secret: 'github-secret',
    deliveries: log,
    runJob: async (job) => {
      jobs.push(job);
      log.finish(job.deliveryId, 'done');
    },
  });
  reports = new ErrorReportReceiver({ receiver, repo: 'octo/app', secret: SECRET, sentrySecret: SENTRY_SECRET });
});
afterEach(async () => {
  log.close();
  await rm(dir, { recursive: true, force: true });
});

const STACK = `TypeError: Cannot read properties of undefined (reading 'id')
    at loadUser (/srv/app/users.js:42:17)
    at handler (/srv/app/routes.js:10:5)`;

function generic(body: unknown, secret: string | null = SECRET) {
  const text = JSON.stringify(body);
  return reports.receiveGeneric({
    headers: secret === null ? {} : { 'x-sessionhub-signature-256': signPayload(secret, text) },
    body: Buffer.from(text),
  });
}

/** An issue alert as Sentry's integration platform sends it (`Sentry-Hook-Resource: event_alert`). */
function sentryAlert(issueId: string) {
  return {
    action: 'triggered',
    actor: { id: 'sentry', name: 'Sentry', type: 'application' },
    data: {
      event: {
        event_id: randomUUID().replaceAll('-', ''),
        issue_id: issueId,
        issue_url: `https://sentry.io/api/0/issues/${issueId}/`,
        web_url: `https://sentry.io/organizations/octo/issues/${issueId}/events/1/`,
        title: 'ReferenceError: heck is not defined',
        culprit: '?(<anonymous>)',
        environment: 'production',
        exception: {
          values: [
            {
              type: 'ReferenceError',
              value: 'heck is not defined',
              stacktrace: {
                frames: [
                  { filename: '/static/vendor.js', function: 'dispatch', lineno: 3, colno: 100 },
                  { filename: '/static/app.js', function: 'render', lineno: 1, colno: 10866 },
                ],
              },
            },
          ],
        },
      },
      triggered_rule: 'Send to SessionHub',
    },
  };
}

function sentry(resource: string, body: unknown, secret = SENTRY_SECRET) {
  const text = JSON.stringify(body);
  return reports.receiveSentry({
    headers: {
      'sentry-hook-resource': resource,
      'sentry-hook-signature': createHmac('sha256', secret).update(text).digest('hex'),
      'request-id': randomUUID(),
    },
    body: Buffer.from(text),
  });
}

describe('production error reports', () => {
  it('a storm of one error (by fingerprint) queues one job; another error queues another', async () => {
    // All at once: the twenty reports are recorded in one transaction, and the first one wins.
    const storm = Array.from({ length: 20 }, () =>
      generic({ title: 'TypeError in loadUser', message: 'reading id', stack: STACK, count: 3 }),
    );
    const answers = await Promise.all([
      ...storm,
      generic({
        title: 'RangeError in paginate',
        message: 'bad page',
        stack: 'RangeError: bad page\n    at paginate (/srv/app/page.js:1:1)',
      }),
    ]);
    await receiver.idle();
    expect(answers.filter((a) => a.status === 202)).toHaveLength(2);
    expect(answers.filter((a) => a.body.duplicate)).toHaveLength(19);
    expect(jobs.map((j) => j.job.kind === 'error_report' && j.job.report.title)).toEqual([
      'TypeError in loadUser',
      'RangeError in paginate',
    ]);
    const first = jobs[0]?.job;
    expect(first?.kind === 'error_report' && first.report).toMatchObject({
      repo: 'octo/app',
      occurrences: 3,
      stack: STACK,
      source: 'generic',
    });
  });

  it('refuses a missing or wrong signature with 401, and a malformed report with 400, recording nothing', async () => {
    expect((await generic({ title: 'x', message: 'y' }, null)).status).toBe(401);
    expect((await generic({ title: 'x', message: 'y' }, 'wrong')).status).toBe(401);
    expect((await generic({ message: 'no title' })).status).toBe(400);
    expect((await generic({ title: 'x', count: -1 })).status).toBe(400);
    expect((await sentry('event_alert', sentryAlert('1'), 'wrong')).status).toBe(401);
    await receiver.idle();
    expect(jobs).toEqual([]);
    expect(log.pending()).toEqual([]);
  });

  it('reads Sentry issue alerts (fingerprint = Sentry issue id, stack innermost first) and ignores resolved issues', async () => {
    expect((await sentry('event_alert', sentryAlert('1117540176'))).status).toBe(202);
    expect((await sentry('event_alert', sentryAlert('1117540176'))).body.duplicate).toBe(true);
    const resolved = await sentry('issue', { action: 'resolved', data: { issue: { id: '1117540176', title: 'x' } } });
    expect(resolved.body.jobs).toBe(0);
    await receiver.idle();
    expect(jobs).toHaveLength(1);
    const job = jobs[0]?.job;
    if (job?.kind !== 'error_report') throw new Error('expected an error report');
    expect(job.report).toMatchObject({ fingerprint: 'sentry:1117540176', source: 'sentry', environment: 'production' });
    expect(job.report.stack?.split('\n')).toEqual([
      'ReferenceError: heck is not defined',
      '    at render (/static/app.js:1:10866)',
      '    at dispatch (/static/vendor.js:3:100)',
    ]);
    const issue = renderErrorIssue(job.report);
    expect(issue.title).toBe('Production error: ReferenceError: heck is not defined');
    expect(issue.body).toContain('at render (/static/app.js:1:10866)');
    expect(issue.body).toContain('Occurrences: 1');
  });
});
