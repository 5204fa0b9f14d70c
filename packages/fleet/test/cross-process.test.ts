import { createSessionHub } from '@sessionhub/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  eventually,
  expectSoundSessionLog,
  postgresSkipReason,
  sessionInState,
  startCluster,
  withFleet,
} from './support/fleet-env.js';
import { engineParts } from './support/parts.js';
import { killWorker, spawnWorkerOn, type WorkerProcess, withFleetWorker } from './support/worker-process.js';

const SKIP = postgresSkipReason();

if (SKIP) it.skip(`fleet across processes [skipped: ${SKIP}]`, () => {});
else {
  const cluster = await startCluster();
  afterAll(() => cluster.destroy());

  describe('fleet across processes', () => {
    it(
      "a SIGKILLed worker's session is resumed by another worker, re-running only the step in flight",
      () =>
        withFleet(cluster, async (env, fleet) => {
          const first = await spawnWorkerOn(env, { executorMs: 600_000 });
          let second: WorkerProcess | undefined;
          try {
            const { sessionId } = await fleet.submit({ request: 'Greet visitors by name' });
            await first.executing(sessionId);
            await killWorker(first);
            second = await spawnWorkerOn(env, { executorMs: 50 });
            const session = await sessionInState(env, sessionId, 'succeeded', 60_000);
            expect(session.state).toBe('succeeded');
            if (!second) throw new Error('unreachable');
            const events = await env.store.readEvents(sessionId);
            expectSoundSessionLog(events, sessionId);
            const started = (step: string) => events.filter((e) => e.type === 'step.started' && e.step === step).length;
            expect(started('plan'), 'the finished plan step must not run again').toBe(1);
            expect(started('execute'), 'the execute step in flight keeps its one step id').toBe(1);
            expect(second.watch.lines, 'the second worker ran the step that was in flight').toContain(
              `executing ${sessionId}`,
            );
            expect(events.filter((e) => e.type === 'step.finished' && e.step === 'execute')).toHaveLength(1);
            const owners = new Set(events.flatMap((e) => (e.type === 'session.claimed' ? [e.owner] : [])));
            expect(owners.size, 'two engines claimed the session').toBe(2);
          } finally {
            if (second) second.child.kill('SIGKILL');
            first.child.kill('SIGKILL');
          }
        }),
      90_000,
    );

    it(
      'approval and cancellation made in this process reach the sessions running in a worker process',
      () =>
        withFleetWorker(cluster, { executorMs: 600_000, requireApproval: true }, async (env, fleet, worker) => {
          const approved = (await fleet.submit({ request: 'Greet visitors by name' })).sessionId;
          await sessionInState(env, approved, 'awaiting_approval');
          await fleet.approve(approved);
          // Approved: it runs its (endless) execute step; a cancel from here aborts it on the worker.
          await worker.executing(approved);
          await fleet.cancel(approved);
          expect((await env.store.getSession(approved))?.state).toBe('cancelled');
          const events = await env.store.readEvents(approved);
          expectSoundSessionLog(events, approved);
          expect(events.some((e) => e.type === 'approval.resolved' && e.approved)).toBe(true);
          expect(worker.child.exitCode, 'the worker process keeps running').toBeNull();
        }),
      90_000,
    );

    it(
      'a plain engine over the same store (as the CLI or the inspector) approves and cancels a session a worker process drives: the worker applies both',
      () =>
        withFleetWorker(cluster, { executorMs: 600_000, requireApproval: true }, async (env, fleet, worker) => {
          const executedHere: string[] = [];
          const hub = createSessionHub({
            ...engineParts({
              workspaceRoot: env.workspaceRoot,
              executorMs: 50,
              onExecute: (id) => executedHere.push(id),
            }),
            store: env.store,
          });
          try {
            const { sessionId } = await fleet.submit({ request: 'Greet visitors by name' });
            await sessionInState(env, sessionId, 'awaiting_approval');
            // The worker's claim is live: the plain engine records the decision for it (`decision.requested`).
            await hub.approve(sessionId);
            await worker.executing(sessionId);
            await hub.cancel(sessionId);
            const session = await sessionInState(env, sessionId, 'cancelled');
            expect(session.state).toBe('cancelled');
            const events = await env.store.readEvents(sessionId);
            expectSoundSessionLog(events, sessionId);
            expect(
              events.flatMap((e) => (e.type === 'decision.requested' ? [e.decision] : [])),
              'both decisions went through the log',
            ).toEqual(['approve', 'cancel']);
            const owners = new Set(events.flatMap((e) => (e.type === 'session.claimed' ? [e.owner] : [])));
            expect(owners.size, 'only the worker drove it').toBe(1);
            expect(executedHere).toEqual([]);
          } finally {
            await hub.idle();
          }
        }),
      90_000,
    );

    it(
      'PostgreSQL goes away mid-session: the session pauses and continues when it is back, nothing lost',
      () =>
        withFleetWorker(cluster, { executorMs: 1500 }, async (env, fleet, worker) => {
          const { sessionId } = await fleet.submit({ request: 'Greet visitors by name' });
          await worker.executing(sessionId);
          await cluster.stop();
          await new Promise((r) => setTimeout(r, 2500));
          await cluster.start();
          const session = await eventually(
            'the session to succeed after the outage',
            async () => {
              const s = await env.store.getSession(sessionId).catch(() => undefined);
              return s?.state === 'succeeded' ? s : undefined;
            },
            60_000,
            async () => {
              const s = await env.store.getSession(sessionId);
              const types = (await env.store.readEvents(sessionId)).map((e) => e.type);
              return `state ${s?.state}; events ${types.join(' ')}\nworker stderr:\n${worker.watch.stderr()}`;
            },
          );
          expect(session.state).toBe('succeeded');
          const events = await env.store.readEvents(sessionId);
          expectSoundSessionLog(events, sessionId);
          expect(events.filter((e) => e.type === 'step.started' && e.step === 'plan')).toHaveLength(1);
          expect(worker.child.exitCode, 'the worker survived the outage').toBeNull();
        }),
      90_000,
    );

    it(
      'a worker asked to stop (SIGTERM) finishes its sessions first',
      () =>
        withFleetWorker(cluster, { executorMs: 1500 }, async (env, fleet, worker) => {
          const { sessionId } = await fleet.submit({ request: 'Greet visitors by name' });
          await worker.executing(sessionId);
          worker.child.kill('SIGTERM');
          const exit = await worker.watch.exited;
          expect(exit.code, worker.watch.stderr()).toBe(0);
          expect((await env.store.getSession(sessionId))?.state).toBe('succeeded');
        }),
      60_000,
    );
  });
}
