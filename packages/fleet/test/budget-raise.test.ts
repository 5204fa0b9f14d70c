import { createSessionHub, type SessionEvent, SessionStateError } from '@sessionhub/core';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  eventually,
  expectSoundSessionLog,
  type FleetEnv,
  postgresSkipReason,
  sessionInState,
  startCluster,
  withFleet,
} from './support/fleet-env.js';
import { engineParts } from './support/parts.js';
import { withFleetWorker } from './support/worker-process.js';

const SKIP = postgresSkipReason();

// Each plan costs 1,000 tokens against a budget of 500: every session pauses at its token budget
// right after planning, on the worker process, which hands it back (its job completes).
const BUDGETED = { executorMs: 50, plannerTokens: 1000, tokenBudget: 500 };

/** Waits until the session is paused at its token budget, and returns its log. */
async function pausedAtBudget(env: FleetEnv, id: string): Promise<SessionEvent[]> {
  await eventually('the session to pause at its budget', async () => {
    const s = await env.store.getSession(id);
    return s?.state === 'awaiting_approval' && s.error?.code === 'budget.exceeded' ? true : undefined;
  });
  const events = await env.store.readEvents(id);
  expect(events.filter((e) => e.type === 'approval.requested' && e.budget?.budget === 'tokens')).toHaveLength(1);
  return events;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call must reject'),
    (error: unknown) => error,
  );
}

const count = (events: readonly SessionEvent[], type: SessionEvent['type']) =>
  events.filter((e) => e.type === type).length;

if (SKIP) it.skip(`budget raises across processes [skipped: ${SKIP}]`, () => {});
else {
  const cluster = await startCluster();
  afterAll(() => cluster.destroy());

  describe('budget raises across processes', () => {
    it(
      'fleet.approve: a raise that is not enough is refused and the session stays paused; an enough raise runs it on a worker to succeeded, budget.raised once',
      () =>
        withFleetWorker(cluster, BUDGETED, async (env, fleet, worker) => {
          const { sessionId } = await fleet.submit({ request: 'Greet visitors by name' });
          const before = await pausedAtBudget(env, sessionId);

          const short = await rejection(fleet.approve(sessionId, { raiseBudget: { tokens: 800 } }));
          expect(SessionStateError.isInstance(short)).toBe(true);
          expect(short).toMatchObject({ code: 'budget.still_exceeded' });
          const still = await env.store.getSession(sessionId);
          expect(still?.state).toBe('awaiting_approval');
          expect(await env.store.readEvents(sessionId), 'a refused raise writes nothing').toHaveLength(before.length);

          await fleet.approve(sessionId, { raiseBudget: { tokens: 5000 } });
          const session = await sessionInState(env, sessionId, 'succeeded');
          expect(session.error).toBeUndefined();
          const events = await env.store.readEvents(sessionId);
          expectSoundSessionLog(events, sessionId);
          expect(events.filter((e) => e.type === 'budget.raised')).toMatchObject([{ budgets: { tokens: 5000 } }]);
          expect(events.some((e) => e.type === 'approval.resolved' && e.approved)).toBe(true);
          expect(
            events.filter((e) => e.type === 'step.started' && e.step === 'plan'),
            'the plan is not made again',
          ).toHaveLength(1);
          expect(worker.watch.lines, 'the worker process ran the execute step').toContain(`executing ${sessionId}`);
        }),
      90_000,
    );

    it(
      'fleet.reject of a budget pause fails the session with budget.exceeded',
      () =>
        withFleetWorker(cluster, BUDGETED, async (env, fleet, worker) => {
          const { sessionId } = await fleet.submit({ request: 'Greet visitors by name' });
          await pausedAtBudget(env, sessionId);
          await fleet.reject(sessionId, 'too expensive');
          const session = await sessionInState(env, sessionId, 'failed');
          expect(session.error?.code).toBe('budget.exceeded');
          const events = await env.store.readEvents(sessionId);
          expectSoundSessionLog(events, sessionId);
          expect(count(events, 'budget.raised')).toBe(0);
          expect(events.some((e) => e.type === 'approval.resolved' && !e.approved)).toBe(true);
          expect(worker.watch.lines).not.toContain(`executing ${sessionId}`);
        }),
      90_000,
    );

    it(
      'a plain engine over the same store (as the CLI): a short raise is refused, an enough raise continues the session in the approving process',
      () =>
        withFleetWorker(cluster, BUDGETED, async (env, fleet, worker) => {
          const executed: string[] = [];
          const hub = createSessionHub({
            ...engineParts({
              workspaceRoot: env.workspaceRoot,
              executorMs: 50,
              plannerTokens: 1000,
              policy: { budgets: { tokens: 500 } },
              onExecute: (id) => executed.push(id),
            }),
            store: env.store,
          });
          try {
            const { sessionId } = await fleet.submit({ request: 'Greet visitors by name' });
            const before = await pausedAtBudget(env, sessionId);
            await expect(hub.approve(sessionId, { raiseBudget: { tokens: 999 } })).rejects.toMatchObject({
              code: 'budget.still_exceeded',
            });
            expect(await env.store.readEvents(sessionId)).toHaveLength(before.length);
            await hub.approve(sessionId, { raiseBudget: { tokens: 5000 } });
            const handle = await hub.resume(sessionId);
            const { session } = await handle.result;
            expect(session.state).toBe('succeeded');
            const events = await env.store.readEvents(sessionId);
            expectSoundSessionLog(events, sessionId);
            expect(count(events, 'budget.raised')).toBe(1);
            // The worker handed the session back at the pause; the approving engine claimed and ran it.
            expect(executed).toEqual([sessionId]);
            expect(worker.watch.lines).not.toContain(`executing ${sessionId}`);
          } finally {
            await hub.idle();
          }
        }),
      90_000,
    );

    it('a raise that is not a finite number >= 0 is refused before any command is written', () =>
      withFleet(cluster, async (env, fleet) => {
        const client = new pg.Client({ connectionString: env.url });
        await client.connect();
        try {
          for (const tokens of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
            const error = await rejection(fleet.approve('any-session', { raiseBudget: { tokens } }));
            expect(SessionStateError.isInstance(error)).toBe(true);
            expect(error).toMatchObject({ code: 'session.invalid_input' });
          }
          const rows = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM sessionhub_fleet.commands');
          expect(rows.rows[0]?.n).toBe(0);
        } finally {
          await client.end();
        }
      }));
  });
}
