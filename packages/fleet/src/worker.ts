import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  createSessionHub,
  isTerminal,
  ProviderError,
  type SessionHub,
  SessionHubError,
  type SessionHubOptions,
  StoreError,
} from '@sessionhub/core';
import type { Job } from 'pg-boss';
import { CommandTable, type StoredCommand } from './commands.js';
import { FleetError } from './errors.js';
import { type FleetQueueOptions, openQueue, SESSION_QUEUE, type SessionJob } from './queue.js';

/** Options of {@link startWorker}: the engine's parts, plus the queue and how many sessions at once. */
export interface WorkerOptions extends Omit<SessionHubOptions, 'engineId'> {
  queue: FleetQueueOptions;
  /** Sessions this worker drives at once. Default 4. */
  concurrency?: number;
  /** This worker's engine id in session claims. Default `<host>:<pid>:<random>`. */
  engineId?: string;
  /** How long a session whose store became unreachable waits between checks that it is back. Default 500 ms. */
  storeRetryMs?: number;
  /** Called with problems the worker handled (a store outage, a failed command); default none. */
  onIncident?: (incident: { sessionId?: string; what: string; error?: unknown }) => void;
}

/** A running worker. */
export interface FleetWorker {
  readonly engineId: string;
  /** The engine that drives this worker's sessions. */
  readonly hub: SessionHub;
  /** Ids of the sessions this worker drives now. */
  running(): string[];
  /**
   * Stops taking sessions and finishes the ones it drives. After `timeoutMs` (default: no limit),
   * the rest are handed back: their jobs stay with pg-boss, which gives them to another worker once
   * this one's heartbeats stop, and that worker resumes each session from its log.
   */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isCode(err: unknown, code: string): boolean {
  return SessionHubError.isInstance(err) && (err as SessionHubError).code === code;
}

/**
 * Starts a worker: a SessionHub engine fed by the fleet's pg-boss queue. It takes up to
 * `concurrency` sessions at once, each under a pg-boss job kept alive by heartbeats, and drives each
 * with `hub.resume` (which continues from the session's log, re-running at most the step in
 * flight). Commands for the sessions it drives (approve, reject, cancel, made by any process) reach
 * it through the fleet's command table and `NOTIFY`.
 *
 * - A worker killed outright stops its heartbeats; pg-boss retries the job on another worker, whose
 *   engine takes the session's claim over (at once on the same host when the pid is gone, after the
 *   claim's `leaseMs` otherwise) and resumes it.
 * - When the store cannot be reached mid-session, the engine stops writing; this worker waits until
 *   the store answers again and resumes the session (its own claim), so the session pauses and
 *   continues, and nothing acknowledged is lost.
 * - A session paused by a provider outage goes back to the queue with backoff; one paused at a budget
 *   waits for `fleet.approve(id, { raiseBudget })`.
 */
export async function startWorker(options: WorkerOptions): Promise<FleetWorker> {
  const { queue, concurrency = 4, storeRetryMs = 500, onIncident, ...engine } = options;
  const engineId = options.engineId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const hub = createSessionHub({ ...engine, engineId, policy: { ...engine.policy, concurrency } });
  const commands = new CommandTable(queue.connectionString, queue.fleetSchema ?? 'sessionhub_fleet');
  await commands.init();
  const boss = await openQueue(queue, 'worker');
  const running = new Set<string>();
  const drives = new Set<Promise<unknown>>();
  let stopping = false;

  const apply = async ({ id, sessionId, command }: StoredCommand): Promise<void> => {
    try {
      if (command.kind === 'cancel') await hub.cancel(sessionId);
      else if (command.kind === 'approve') {
        await hub.approve(sessionId, command.raiseBudget ? { raiseBudget: command.raiseBudget } : {});
      } else await hub.reject(sessionId, command.reason);
      await commands.finish(id, { ok: true });
    } catch (error) {
      onIncident?.({ sessionId, what: `${command.kind} failed`, error });
      const e = error as { name?: string; code?: string; message?: string };
      await commands
        .finish(id, { ok: false, errorName: e?.name, code: e?.code, message: e?.message ?? String(error) })
        .catch(() => {});
    }
  };
  let pumping: Promise<void> | undefined;
  const pump = (): Promise<void> => {
    pumping ??= (async () => {
      try {
        const taken = await commands.take([...running], engineId);
        // Commands of one session in order; sessions in parallel.
        const bySession = new Map<string, StoredCommand[]>();
        for (const c of taken) bySession.set(c.sessionId, [...(bySession.get(c.sessionId) ?? []), c]);
        await Promise.all(
          [...bySession.values()].map(async (list) => {
            for (const c of list) await apply(c);
          }),
        );
      } catch (error) {
        onIncident?.({ what: 'reading commands failed', error });
      } finally {
        pumping = undefined;
      }
    })();
    return pumping;
  };
  const stopListening = commands.listen(queue.connectionString, () => void pump());
  const poll = setInterval(() => void pump(), 1000);

  /** Waits until the store answers again. */
  const storeBack = async (sessionId: string): Promise<void> => {
    for (;;) {
      await sleep(storeRetryMs);
      try {
        await engine.store.getSession(sessionId);
        return;
      } catch (error) {
        if (!isCode(error, 'store.unavailable')) throw error;
      }
    }
  };

  const drive = async (sessionId: string): Promise<void> => {
    running.add(sessionId);
    try {
      // Commands made while no worker held the session (an approval of a budget pause, a cancel of a queued one).
      void pump();
      for (;;) {
        try {
          const handle = await hub.resume(sessionId);
          const result = await handle.result;
          if (isTerminal(result.session.state)) return;
          if (isCode(result.error, 'session.owned_elsewhere')) return; // another worker took it over and drives it
          if (StoreError.isInstance(result.error) && result.error.code === 'store.unavailable') {
            onIncident?.({ sessionId, what: 'store unavailable: session paused', error: result.error });
            await storeBack(sessionId);
            continue;
          }
          if (ProviderError.isInstance(result.error)) {
            // Back to the queue: pg-boss retries it with backoff, and that attempt resumes the interrupted step.
            throw new FleetError('fleet.session_paused', `session ${sessionId} paused: ${result.error.message}`, {
              cause: result.error,
            });
          }
          return; // paused at a budget or waiting for a decision that arrives as a command
        } catch (error) {
          if (isCode(error, 'store.unavailable')) {
            onIncident?.({ sessionId, what: 'store unavailable: session paused', error });
            await storeBack(sessionId);
            continue;
          }
          if (isCode(error, 'session.not_found')) return;
          // `session.owned_elsewhere`: a live claim of another engine; the job comes back after a backoff.
          throw error;
        }
      }
    } finally {
      running.delete(sessionId);
    }
  };

  await boss.work<SessionJob>(
    SESSION_QUEUE,
    { localConcurrency: concurrency, batchSize: 1, pollingIntervalSeconds: queue.pollingIntervalSeconds ?? 0.5 },
    async (jobs: Job<SessionJob>[]) => {
      for (const job of jobs) {
        const d = drive(job.data.sessionId);
        drives.add(d);
        try {
          await d;
        } finally {
          drives.delete(d);
        }
      }
    },
  );

  return {
    engineId,
    hub,
    running: () => [...running],
    async stop({ timeoutMs } = {}) {
      if (stopping) return;
      stopping = true;
      await boss.offWork(SESSION_QUEUE, { wait: false }).catch(() => {});
      const finished = Promise.allSettled([...drives]);
      const handedBack =
        timeoutMs === undefined
          ? await finished.then(() => false)
          : await Promise.race([finished.then(() => false), sleep(timeoutMs).then(() => true)]);
      clearInterval(poll);
      await stopListening();
      await commands.untake(engineId).catch(() => {});
      // Handed back: the jobs stay active without heartbeats; pg-boss gives them to other workers.
      await boss.stop({ graceful: !handedBack, close: true, timeout: 1000 }).catch(() => {});
      await commands.close();
    },
  };
}
