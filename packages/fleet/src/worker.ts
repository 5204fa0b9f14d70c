import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  createSessionHub,
  isTerminal,
  ProviderError,
  type SessionHub,
  SessionHubError,
  type SessionHubOptions,
  SessionPausedError,
  StoreError,
} from '@sessionhub/core';
import type { Job } from 'pg-boss';
import { CommandTable, type StoredCommand } from './commands.js';
import { FleetError, whenUnreachable } from './errors.js';
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
   * the rest are handed back: each is paused here (`hub.pause`: its step in flight stops and its
   * claim is released) and its job goes back to pg-boss, which gives it to another worker; that
   * worker resumes the session from its log at once, running the interrupted step again.
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
 *   is handed back (its job completes) until `fleet.approve(id, { raiseBudget })` enqueues it again.
 *
 * @throws {FleetError} `fleet.unavailable` naming host, port, database and the cause when the queue's
 *   database cannot be reached.
 */
export async function startWorker(options: WorkerOptions): Promise<FleetWorker> {
  const { queue, concurrency = 4, storeRetryMs = 500, onIncident, ...engine } = options;
  const engineId = options.engineId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const hub = createSessionHub({ ...engine, engineId, policy: { ...engine.policy, concurrency } });
  const commands = new CommandTable(queue.connectionString, queue.fleetSchema ?? 'sessionhub_fleet');
  let boss: Awaited<ReturnType<typeof openQueue>>;
  try {
    await commands.init();
    boss = await openQueue(queue, 'worker');
  } catch (error) {
    await commands.close().catch(() => {});
    throw whenUnreachable(error, queue.connectionString, 'startWorker');
  }
  const running = new Set<string>();
  const drives = new Set<Promise<unknown>>();
  let stopping = false;
  let handingBack = false;

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

  // One turn at a time per session: the engine's loads of a session (`resume`) and the decisions applied to
  // it never overlap, so a decision never meets a load of the same session in flight (which would refuse it).
  const turns = new Map<string, Promise<unknown>>();
  const inTurn = <T>(sessionId: string, fn: () => Promise<T>): Promise<T> => {
    const next = (turns.get(sessionId) ?? Promise.resolve()).then(fn);
    const tail = next.catch(() => {});
    turns.set(sessionId, tail);
    void tail.then(() => {
      if (turns.get(sessionId) === tail) turns.delete(sessionId);
    });
    return next;
  };
  /** Applies a command in its session's turn, or, when this worker no longer drives the session, gives it back for the worker that will. */
  const applyInTurn = (c: StoredCommand): Promise<void> =>
    inTurn(c.sessionId, async () => {
      if (running.has(c.sessionId)) return apply(c);
      await commands.release(c.id);
      await boss.send(SESSION_QUEUE, { sessionId: c.sessionId } satisfies SessionJob, { singletonKey: c.sessionId });
    });
  /** Takes and applies the pending commands of one session (call in its turn); returns how many. */
  const applyPending = async (sessionId: string): Promise<number> => {
    const taken = await commands.take([sessionId], engineId);
    for (const c of taken) await apply(c);
    return taken.length;
  };

  let pumping: Promise<void> | undefined;
  const pump = (): Promise<void> => {
    pumping ??= (async () => {
      try {
        const taken = await commands.take([...running], engineId);
        // Commands of one session in order (its turns); sessions in parallel.
        await Promise.all(taken.map(applyInTurn));
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
      // Commands made while no worker held the session (a budget raise, a cancel of a queued session) first.
      await inTurn(sessionId, () => applyPending(sessionId));
      for (;;) {
        try {
          const handle = await inTurn(sessionId, () => hub.resume(sessionId));
          const result = await handle.result;
          if (isTerminal(result.session.state)) return;
          if (isCode(result.error, 'session.owned_elsewhere')) return; // another worker took it over and drives it
          if (handingBack && SessionPausedError.isInstance(result.error)) {
            // `stop({ timeoutMs })` paused it: the job fails, so pg-boss retries it on another worker.
            throw new FleetError('fleet.handed_back', `session ${sessionId} handed back by a stopping worker`, {
              cause: result.error,
            });
          }
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
          // Paused at a budget: handed back (its job completes) unless a decision arrived meanwhile; a
          // later one enqueues the session again. Checked and let go in one turn, so no command is
          // applied to a session no job holds.
          const decided = await inTurn(sessionId, async () => {
            const n = await applyPending(sessionId);
            if (n === 0) running.delete(sessionId);
            return n;
          });
          if (decided === 0) return;
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
      const timedOut =
        timeoutMs !== undefined &&
        (await Promise.race([finished.then(() => false), sleep(timeoutMs).then(() => true)]));
      if (timedOut) {
        // Hand the rest back: each pauses here (its step in flight stops, its claim is released) and its
        // drive fails its job, which pg-boss gives to another worker; that one resumes it at once.
        handingBack = true;
        // Again while any remains (one still loading when first asked, say).
        do await Promise.allSettled([...running].map((id) => hub.pause(id)));
        while (!(await Promise.race([finished.then(() => true), sleep(500).then(() => false)])));
      }
      clearInterval(poll);
      await stopListening();
      await commands.untake(engineId).catch(() => {});
      await boss.stop({ graceful: true, close: true, timeout: 5000 }).catch(() => {});
      await commands.close();
    },
  };
}
