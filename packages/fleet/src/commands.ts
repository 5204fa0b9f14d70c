import pg from 'pg';

/** A decision or cancellation for a session, carried to whichever worker runs it. */
export type FleetCommand =
  | { kind: 'cancel' }
  | { kind: 'approve'; raiseBudget?: Record<string, number> }
  | { kind: 'reject'; reason?: string };

/** A command as stored. */
export interface StoredCommand {
  id: string;
  sessionId: string;
  command: FleetCommand;
}

/** How a command ended: `ok`, or the error the engine raised (class name, code, message). */
export interface CommandOutcome {
  ok: boolean;
  errorName?: string;
  code?: string;
  message?: string;
}

const CHANNEL = 'sessionhub_fleet_commands';

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The fleet's command table: approvals, rejections and cancellations travel through PostgreSQL
 * (a row, then `NOTIFY`), not through process memory, so a decision made on one machine reaches the
 * worker that runs the session on another. A worker takes a command with a conditional update, so
 * exactly one worker applies it, and writes its outcome back for the submitter to read.
 */
export class CommandTable {
  readonly #pool: pg.Pool;
  readonly #schema: string;

  constructor(connectionString: string, schema: string) {
    this.#schema = schema;
    this.#pool = new pg.Pool({ connectionString, max: 2, application_name: 'sessionhub-fleet' });
    this.#pool.on('error', () => {});
  }

  get #table(): string {
    return `${ident(this.#schema)}.commands`;
  }

  /** Creates the schema and table when missing (idempotent, safe from several processes). */
  async init(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT pg_advisory_xact_lock(hashtext('sessionhub.fleet:' || $1))", [this.#schema]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(this.#schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.#table} (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        session_id text NOT NULL,
        command jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        taken_by text,
        outcome jsonb
      )`);
      await client.query(
        `CREATE INDEX IF NOT EXISTS commands_pending ON ${this.#table} (session_id) WHERE outcome IS NULL`,
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /** Records a command and wakes the workers. Returns its id. */
  async add(sessionId: string, command: FleetCommand): Promise<string> {
    const row = await this.#pool.query<{ id: string }>(
      `WITH ins AS (INSERT INTO ${this.#table} (session_id, command) VALUES ($1, $2) RETURNING id)
       SELECT id, pg_notify('${CHANNEL}', $1) FROM ins`,
      [sessionId, JSON.stringify(command)],
    );
    return String(row.rows[0]?.id);
  }

  /** Takes the pending commands of these sessions for `worker` (each command goes to one worker only). */
  async take(sessionIds: readonly string[], worker: string): Promise<StoredCommand[]> {
    if (sessionIds.length === 0) return [];
    const rows = await this.#pool.query<{ id: string; session_id: string; command: FleetCommand }>(
      `UPDATE ${this.#table} SET taken_by = $2
       WHERE id IN (SELECT id FROM ${this.#table} WHERE outcome IS NULL AND taken_by IS NULL
                    AND session_id = ANY($1::text[]) ORDER BY id FOR UPDATE SKIP LOCKED)
       RETURNING id, session_id, command`,
      [sessionIds, worker],
    );
    return rows.rows
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((r) => ({ id: String(r.id), sessionId: r.session_id, command: r.command }));
  }

  /** Gives back commands a worker took but could not finish (it is stopping), for another worker. */
  async untake(worker: string): Promise<void> {
    await this.#pool.query(`UPDATE ${this.#table} SET taken_by = NULL WHERE taken_by = $1 AND outcome IS NULL`, [
      worker,
    ]);
  }

  /** Gives one taken command back (its session is no longer driven by the worker that took it). */
  async release(id: string): Promise<void> {
    await this.#pool.query(`UPDATE ${this.#table} SET taken_by = NULL WHERE id = $1 AND outcome IS NULL`, [id]);
  }

  async finish(id: string, outcome: CommandOutcome): Promise<void> {
    await this.#pool.query(`UPDATE ${this.#table} SET outcome = $2 WHERE id = $1`, [id, JSON.stringify(outcome)]);
  }

  /** The outcome of a command, or `undefined` while no worker has finished it. */
  async outcome(id: string): Promise<CommandOutcome | undefined> {
    const row = await this.#pool.query<{ outcome: CommandOutcome | null }>(
      `SELECT outcome FROM ${this.#table} WHERE id = $1`,
      [id],
    );
    return row.rows[0]?.outcome ?? undefined;
  }

  /**
   * Calls `onCommand` whenever a command is added (LISTEN on a dedicated connection, reconnecting
   * after a loss). Returns a function that stops listening.
   */
  listen(connectionString: string, onCommand: (sessionId: string) => void): () => Promise<void> {
    let stopped = false;
    let client: pg.Client | undefined;
    const connect = async (): Promise<void> => {
      while (!stopped) {
        const c = new pg.Client({ connectionString, application_name: 'sessionhub-fleet-listen' });
        let live = false;
        c.on('error', () => {});
        c.on('notification', (n) => onCommand(n.payload ?? ''));
        c.on('end', () => {
          if (live && !stopped) setTimeout(() => void connect(), 500);
        });
        try {
          await c.connect();
          await c.query(`LISTEN ${CHANNEL}`);
          live = true;
          client = c;
          // Commands added while no connection listened are found by the caller's poll.
          onCommand('');
          return;
        } catch {
          await c.end().catch(() => {});
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    };
    void connect();
    return async () => {
      stopped = true;
      await client?.end().catch(() => {});
    };
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
