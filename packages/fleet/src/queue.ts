import { PgBoss } from 'pg-boss';

/** The pg-boss queue sessions travel through. */
export const SESSION_QUEUE = 'sessionhub-sessions';

/** Where the fleet's queue lives: a PostgreSQL database every worker and submitter can reach. */
export interface FleetQueueOptions {
  /** `postgres://...` of the queue's database (usually the store's). */
  connectionString: string;
  /** pg-boss's schema. Default `sessionhub_queue`. */
  schema?: string;
  /** The fleet's own schema (commands for running sessions). Default `sessionhub_fleet`. */
  fleetSchema?: string;
  /**
   * A worker that sends no heartbeat for this long loses its sessions to other workers (pg-boss's
   * minimum is 10). Default 10.
   */
  heartbeatSeconds?: number;
  /** How often pg-boss's monitor looks for jobs whose heartbeat stopped. Default 2. */
  monitorIntervalSeconds?: number;
  /** How often an idle worker polls for work (LISTEN/NOTIFY wakes it sooner). Default 0.5. */
  pollingIntervalSeconds?: number;
  /** Connections pg-boss opens at most. Default 4. */
  maxConnections?: number;
}

/** A session's job: which session to drive. */
export interface SessionJob {
  sessionId: string;
}

/**
 * Starts pg-boss on the queue's database and creates the session queue when missing: `singleton`
 * per session (one active job per session id; more may wait), retried without limit, each
 * attempt kept alive by heartbeats.
 */
export async function openQueue(options: FleetQueueOptions, role: 'worker' | 'client'): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: options.schema ?? 'sessionhub_queue',
    max: options.maxConnections ?? 4,
    application_name: `sessionhub-fleet-${role}`,
    monitorIntervalSeconds: options.monitorIntervalSeconds ?? 2,
    superviseIntervalSeconds: options.monitorIntervalSeconds ?? 2,
    // Only workers maintain the queue; a client only sends.
    supervise: role === 'worker',
    schedule: false,
  });
  // Connection errors surface on the calls that fail; an unlistened 'error' would end the process.
  boss.on('error', () => {});
  try {
    await boss.start();
  } catch (error) {
    await boss.stop({ graceful: false, close: true }).catch(() => {});
    throw error;
  }
  const existing = await boss.getQueue(SESSION_QUEUE);
  if (!existing) {
    try {
      await boss.createQueue(SESSION_QUEUE, {
        policy: 'singleton',
        retryLimit: 1_000_000,
        retryDelay: 1,
        retryBackoff: true,
        retryDelayMax: 30,
        heartbeatSeconds: options.heartbeatSeconds ?? 10,
        // Liveness comes from heartbeats; a session may legitimately run for hours.
        expireInSeconds: 24 * 3600,
      });
    } catch (err) {
      // Another process created it first.
      if (!(await boss.getQueue(SESSION_QUEUE))) throw err;
    }
  }
  return boss;
}
