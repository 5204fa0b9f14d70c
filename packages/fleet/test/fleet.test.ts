import { isTerminal } from '@sessionhub/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createFleet, FleetError, startWorker } from '../src/index.js';
import { eventually, expectSoundSessionLog, fleetEnv, postgresSkipReason, startCluster } from './support/fleet-env.js';
import { engineParts } from './support/parts.js';

const SKIP = postgresSkipReason();

if (SKIP) it.skip(`fleet [skipped: ${SKIP}]`, () => {});
else {
  const cluster = await startCluster();
  afterAll(() => cluster.destroy());

  describe('fleet in one process', () => {
    it('submitted sessions are driven by two workers to one end each', async () => {
      const env = await fleetEnv(cluster);
      const fleet = await createFleet({ store: env.store, queue: env.queue });
      const workers = await Promise.all(
        [0, 1].map(() =>
          startWorker({
            ...engineParts({ workspaceRoot: env.workspaceRoot, executorMs: 100 }),
            store: env.store,
            queue: env.queue,
            concurrency: 3,
          }),
        ),
      );
      try {
        const ids: string[] = [];
        for (let i = 0; i < 8; i++) ids.push((await fleet.submit({ request: `Greet visitor ${i} by name` })).sessionId);
        const sessions = await eventually('every session to end', async () => {
          const all = await Promise.all(ids.map((id) => env.store.getSession(id)));
          return all.every((s) => s && isTerminal(s.state)) ? all : undefined;
        });
        expect(sessions.map((s) => s?.state)).toEqual(ids.map(() => 'succeeded'));
        for (const id of ids) expectSoundSessionLog(await env.store.readEvents(id), id);
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
        await fleet.close();
        await env.dispose();
      }
    }, 60_000);

    it('stop({ timeoutMs }) hands a session it could not finish back at once: another worker of the same process runs it to the end', async () => {
      const env = await fleetEnv(cluster);
      const fleet = await createFleet({ store: env.store, queue: env.queue });
      const executing: string[] = [];
      const slow = await startWorker({
        ...engineParts({
          workspaceRoot: env.workspaceRoot,
          executorMs: 600_000,
          onExecute: (id) => executing.push(id),
        }),
        store: env.store,
        queue: env.queue,
        concurrency: 1,
      });
      let next: Awaited<ReturnType<typeof startWorker>> | undefined;
      try {
        const { sessionId } = await fleet.submit({ request: 'Greet visitors by name' });
        await eventually('the slow worker to execute', async () => (executing.includes(sessionId) ? true : undefined));
        await slow.stop({ timeoutMs: 100 });
        // The claim was released: the next engine (same host, same pid) need not wait for it to run out.
        next = await startWorker({
          ...engineParts({ workspaceRoot: env.workspaceRoot, executorMs: 50 }),
          store: env.store,
          queue: env.queue,
          concurrency: 1,
        });
        const session = await eventually(
          'the session to succeed on the next worker',
          async () => {
            const s = await env.store.getSession(sessionId);
            return s?.state === 'succeeded' ? s : undefined;
          },
          45_000,
        );
        expect(session.state).toBe('succeeded');
        const events = await env.store.readEvents(sessionId);
        expectSoundSessionLog(events, sessionId);
        const owners = events.flatMap((e) => (e.type === 'session.claimed' ? [e.owner] : []));
        expect(new Set(owners)).toEqual(new Set([slow.engineId, next.engineId]));
        expect(events.filter((e) => e.type === 'session.released')).toMatchObject([{ owner: slow.engineId }]);
        expect(events.filter((e) => e.type === 'step.started' && e.step === 'plan')).toHaveLength(1);
      } finally {
        await next?.stop();
        await fleet.close();
        await env.dispose();
      }
    }, 60_000);

    it('a session paused on purpose is handed back, and resubmit continues it on a worker', async () => {
      const env = await fleetEnv(cluster);
      const fleet = await createFleet({ store: env.store, queue: env.queue });
      const executing: string[] = [];
      const slow = await startWorker({
        ...engineParts({
          workspaceRoot: env.workspaceRoot,
          executorMs: 600_000,
          onExecute: (id) => executing.push(id),
        }),
        store: env.store,
        queue: env.queue,
        concurrency: 1,
      });
      let next: Awaited<ReturnType<typeof startWorker>> | undefined;
      try {
        const { sessionId } = await fleet.submit({ request: 'Greet visitors by name' });
        await eventually('the slow worker to execute', async () => (executing.includes(sessionId) ? true : undefined));
        await slow.hub.pause(sessionId);
        await eventually('the slow worker to hand the session back', async () =>
          slow.running().length === 0 ? true : undefined,
        );
        expect((await env.store.getSession(sessionId))?.state).toBe('executing');
        await slow.stop();
        next = await startWorker({
          ...engineParts({ workspaceRoot: env.workspaceRoot, executorMs: 50 }),
          store: env.store,
          queue: env.queue,
          concurrency: 1,
        });
        await fleet.resubmit(sessionId);
        const session = await eventually('the session to succeed after resubmit', async () => {
          const s = await env.store.getSession(sessionId);
          return s?.state === 'succeeded' ? s : undefined;
        });
        expect(session.state).toBe('succeeded');
        expectSoundSessionLog(await env.store.readEvents(sessionId), sessionId);
      } finally {
        await next?.stop();
        await slow.stop();
        await fleet.close();
        await env.dispose();
      }
    }, 60_000);

    it('a command while PostgreSQL is down rejects with fleet.unavailable naming the server', async () => {
      const env = await fleetEnv(cluster);
      const fleet = await createFleet({ store: env.store, queue: env.queue });
      try {
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
      } finally {
        await fleet.close();
        await env.dispose();
      }
    });

    it('refuses an empty request before anything is stored or queued', async () => {
      const env = await fleetEnv(cluster);
      const fleet = await createFleet({ store: env.store, queue: env.queue });
      try {
        await expect(fleet.submit({ request: '  ' })).rejects.toMatchObject({ code: 'session.invalid_input' });
        expect(await env.store.listSessions()).toEqual([]);
      } finally {
        await fleet.close();
        await env.dispose();
      }
    });
  });
}
