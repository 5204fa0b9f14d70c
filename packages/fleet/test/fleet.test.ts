import { isTerminal } from '@sessionhub/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type Fleet, FleetError, type FleetWorker } from '../src/index.js';
import {
  eventually,
  expectSoundSessionLog,
  type FleetEnv,
  postgresSkipReason,
  sessionInState,
  startCluster,
  withFleet,
} from './support/fleet-env.js';
import { startTestWorker } from './support/parts.js';

const SKIP = postgresSkipReason();

/** A worker whose executor never ends on its own (concurrency 1), and a session submitted once it is executing it. */
async function executingOnSlowWorker(env: FleetEnv, fleet: Fleet): Promise<{ slow: FleetWorker; sessionId: string }> {
  const executing: string[] = [];
  const slow = await startTestWorker(env, {
    executorMs: 600_000,
    concurrency: 1,
    onExecute: (id) => executing.push(id),
  });
  const { sessionId } = await fleet.submit({ request: 'Greet visitors by name' });
  await eventually('the slow worker to execute', async () => (executing.includes(sessionId) ? true : undefined));
  return { slow, sessionId };
}

if (SKIP) it.skip(`fleet [skipped: ${SKIP}]`, () => {});
else {
  const cluster = await startCluster();
  afterAll(() => cluster.destroy());

  describe('fleet in one process', () => {
    it(
      'submitted sessions are driven by two workers to one end each',
      () =>
        withFleet(cluster, async (env, fleet) => {
          const workers = await Promise.all(
            [0, 1].map(() => startTestWorker(env, { executorMs: 100, concurrency: 3 })),
          );
          try {
            const ids: string[] = [];
            for (let i = 0; i < 8; i++)
              ids.push((await fleet.submit({ request: `Greet visitor ${i} by name` })).sessionId);
            const sessions = await eventually('every session to end', async () => {
              const all = await Promise.all(ids.map((id) => env.store.getSession(id)));
              return all.every((s) => s && isTerminal(s.state)) ? all : undefined;
            });
            expect(sessions.map((s) => s?.state)).toEqual(ids.map(() => 'succeeded'));
            for (const id of ids) expectSoundSessionLog(await env.store.readEvents(id), id);
          } finally {
            await Promise.all(workers.map((w) => w.stop()));
          }
        }),
      60_000,
    );

    it(
      'stop({ timeoutMs }) hands a session it could not finish back at once: another worker of the same process runs it to the end',
      () =>
        withFleet(cluster, async (env, fleet) => {
          const { slow, sessionId } = await executingOnSlowWorker(env, fleet);
          let next: FleetWorker | undefined;
          try {
            await slow.stop({ timeoutMs: 100 });
            // The claim was released: the next engine (same host, same pid) need not wait for it to run out.
            next = await startTestWorker(env, { executorMs: 50, concurrency: 1 });
            const session = await sessionInState(env, sessionId, 'succeeded', 45_000);
            expect(session.state).toBe('succeeded');
            const events = await env.store.readEvents(sessionId);
            expectSoundSessionLog(events, sessionId);
            const owners = events.flatMap((e) => (e.type === 'session.claimed' ? [e.owner] : []));
            expect(new Set(owners)).toEqual(new Set([slow.engineId, next.engineId]));
            expect(events.filter((e) => e.type === 'session.released')).toMatchObject([{ owner: slow.engineId }]);
            expect(events.filter((e) => e.type === 'step.started' && e.step === 'plan')).toHaveLength(1);
          } finally {
            await next?.stop();
          }
        }),
      60_000,
    );

    it(
      'a session paused on purpose is handed back, and resubmit continues it on a worker',
      () =>
        withFleet(cluster, async (env, fleet) => {
          const { slow, sessionId } = await executingOnSlowWorker(env, fleet);
          let next: FleetWorker | undefined;
          try {
            await slow.hub.pause(sessionId);
            await eventually('the slow worker to hand the session back', async () =>
              slow.running().length === 0 ? true : undefined,
            );
            expect((await env.store.getSession(sessionId))?.state).toBe('executing');
            await slow.stop();
            next = await startTestWorker(env, { executorMs: 50, concurrency: 1 });
            await fleet.resubmit(sessionId);
            const session = await sessionInState(env, sessionId, 'succeeded');
            expect(session.state).toBe('succeeded');
            expectSoundSessionLog(await env.store.readEvents(sessionId), sessionId);
          } finally {
            await next?.stop();
            await slow.stop();
          }
        }),
      60_000,
    );

    it('a command while PostgreSQL is down rejects with fleet.unavailable naming the server', () =>
      withFleet(cluster, async (_env, fleet) => {
        await cluster.stop();
        try {
          const error = await fleet.cancel('any-session', { timeoutMs: 1000 }).then(
            () => expect.unreachable('the cancel must reject'),
            (e: unknown) => e,
          );
          expect(FleetError.isInstance(error), String(error)).toBe(true);
          expect(error).toMatchObject({ code: 'fleet.unavailable' });
          expect((error as FleetError).message).toContain(`127.0.0.1:${cluster.port}`);
        } finally {
          await cluster.start();
        }
      }));

    it('refuses an empty request before anything is stored or queued', () =>
      withFleet(cluster, async (env, fleet) => {
        await expect(fleet.submit({ request: '  ' })).rejects.toMatchObject({ code: 'session.invalid_input' });
        expect(await env.store.listSessions()).toEqual([]);
      }));
  });
}
