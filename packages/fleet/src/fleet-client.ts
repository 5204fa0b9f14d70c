import { randomUUID } from 'node:crypto';
import { type RunRequest, type SessionBudgets, SessionStateError, type Store } from '@sessionhub/core';
import type { PgBoss } from 'pg-boss';
import { type CommandOutcome, CommandTable, type FleetCommand } from './commands.js';
import { FleetError, whenUnreachable } from './errors.js';
import { type FleetQueueOptions, openQueue, SESSION_QUEUE, type SessionJob } from './queue.js';
import { type LintRules, sessionRecord } from './session-record.js';

/** Options of {@link createFleet}. */
export interface FleetOptions {
  /** The store every worker uses (a `PostgresStore` on the same database, usually). */
  store: Store;
  queue: FleetQueueOptions;
  /** Secrets redacted from session records before they are stored, as the engine's policy does. */
  secrets?: string[];
  /** The linter rules the workers' policy uses (`policy.lintRules`), so a template is checked as they will check it. */
  lintRules?: LintRules;
  /** Session ids; default `crypto.randomUUID`. */
  generateId?: () => string;
}

/** Options of a command sent to the fleet. */
export interface FleetCommandOptions {
  signal?: AbortSignal;
  /** How long to wait for a worker to apply the command before `fleet.timeout`. Default 60 000 ms. */
  timeoutMs?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** Budget limits as they travel to a worker (JSON): each a finite number >= 0, as the engine requires. */
function finiteLimits(budgets: SessionBudgets): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(budgets)) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new SessionStateError(
        'session.invalid_input',
        `raiseBudget.${name} must be a finite number >= 0, got ${String(value)}`,
      );
    }
    out[name] = value;
  }
  return out;
}

/**
 * The submitting side of a fleet: enqueue sessions for workers, and approve, reject or cancel them
 * wherever they run. Create it with {@link createFleet}.
 *
 * A command (`approve`, `reject`, `cancel`) rejects with `FleetError` `fleet.unavailable` when the
 * database cannot be reached to write it, or to read its outcome until `timeoutMs` (the command is
 * stored then, and a worker still applies it), and `fleet.timeout` when no worker applied it in time.
 */
export class Fleet {
  #closed = false;

  constructor(
    private readonly options: FleetOptions,
    private readonly boss: PgBoss,
    private readonly commands: CommandTable,
  ) {}

  /**
   * Records a session (state `created`) and enqueues it; a worker takes it, writes `session.created`
   * and runs it. Bad input (an unknown template, a template failing the linter, an empty request)
   * is refused before anything is stored or queued. Resolves with the session id once both are durable.
   */
  async submit(request: RunRequest, opts: { signal?: AbortSignal } = {}): Promise<{ sessionId: string }> {
    this.#open();
    const id = this.options.generateId?.() ?? randomUUID();
    const session = await sessionRecord(this.options.store, request, {
      id,
      now: new Date(),
      secrets: this.options.secrets,
      lintRules: this.options.lintRules,
      signal: opts.signal,
    });
    await this.options.store.createSession(session, opts);
    try {
      await this.#enqueue(id);
    } catch (error) {
      const what = `submit of session ${id} (recorded, not queued: fleet.resubmit(id) queues it)`;
      throw whenUnreachable(error, this.options.queue.connectionString, what);
    }
    return { sessionId: id };
  }

  /** Cancels a session wherever it runs (the running step's signal aborts on that worker); resolves once it has ended. */
  cancel(id: string, opts: FleetCommandOptions = {}): Promise<void> {
    return this.#command(id, { kind: 'cancel' }, opts);
  }

  /**
   * Approves a waiting session on whichever worker holds it. A session paused at a budget is held by
   * none (its worker handed it back): the approval enqueues it, and the worker that takes it applies
   * `raiseBudget` (the new limits, recorded as `budget.raised`) and runs it on. Resolves once the
   * decision is recorded.
   *
   * @throws {SessionStateError} `session.invalid_input` for a limit that is not a finite number >= 0
   *   (before anything is written); from the engine: `budget.still_exceeded` when the raised limits
   *   leave the session over budget (it stays paused), `session.invalid_state` when it does not wait.
   */
  async approve(id: string, opts: FleetCommandOptions & { raiseBudget?: SessionBudgets } = {}): Promise<void> {
    const command: FleetCommand = opts.raiseBudget
      ? { kind: 'approve', raiseBudget: finiteLimits(opts.raiseBudget) }
      : { kind: 'approve' };
    return this.#command(id, command, opts);
  }

  /** Rejects a waiting session's instruction or budget pause. */
  reject(id: string, reason?: string, opts: FleetCommandOptions = {}): Promise<void> {
    return this.#command(id, reason ? { kind: 'reject', reason } : { kind: 'reject' }, opts);
  }

  /** Enqueues a session again (e.g. one a crash left recorded but never queued). Harmless for a session that runs. */
  async resubmit(id: string): Promise<void> {
    this.#open();
    await this.#enqueue(id);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.boss.stop({ graceful: false, close: true }).catch(() => {});
    await this.commands.close();
  }

  #open(): void {
    if (this.#closed) throw new FleetError('fleet.stopped', 'the fleet client is closed');
  }

  async #enqueue(id: string): Promise<void> {
    const job: SessionJob = { sessionId: id };
    await this.boss.send(SESSION_QUEUE, job, { singletonKey: id });
  }

  async #command(id: string, command: FleetCommand, opts: FleetCommandOptions): Promise<void> {
    this.#open();
    opts.signal?.throwIfAborted();
    const url = this.options.queue.connectionString;
    const what = `${command.kind} of session ${id}`;
    let commandId: string;
    try {
      commandId = await this.commands.add(id, command);
      // A worker that runs the session takes the command at once; otherwise this job makes one open it.
      await this.#enqueue(id);
    } catch (error) {
      throw whenUnreachable(error, url, what);
    }
    // The command is stored: an outage while waiting for its outcome is waited out until the deadline.
    let outage: unknown;
    const read = async (): Promise<CommandOutcome | undefined> => {
      try {
        const found = await this.commands.outcome(commandId);
        outage = undefined;
        return found;
      } catch (error) {
        outage = whenUnreachable(error, url, what);
        if (!FleetError.isInstance(outage)) throw outage;
        return undefined;
      }
    };
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    let outcome = await read();
    while (!outcome) {
      if (Date.now() > deadline) {
        throw outage ?? new FleetError('fleet.timeout', `no worker applied the ${what} in time`);
      }
      await sleep(100, opts.signal);
      outcome = await read();
    }
    if (outcome.ok) return;
    const message = outcome.message ?? `${command.kind} of session ${id} failed`;
    if (outcome.errorName === 'SessionStateError')
      throw new SessionStateError(outcome.code ?? 'session.error', message);
    throw new FleetError(outcome.code ?? 'fleet.command_failed', message);
  }
}

/**
 * Connects a {@link Fleet} client: starts pg-boss (creating its schema and the session queue when missing).
 *
 * @throws {FleetError} `fleet.unavailable` naming host, port, database and the cause when the queue's
 *   database cannot be reached.
 */
export async function createFleet(options: FleetOptions): Promise<Fleet> {
  const url = options.queue.connectionString;
  const commands = new CommandTable(url, options.queue.fleetSchema ?? 'sessionhub_fleet');
  try {
    await commands.init();
    const boss = await openQueue(options.queue, 'client');
    return new Fleet(options, boss, commands);
  } catch (error) {
    await commands.close().catch(() => {});
    throw whenUnreachable(error, url, 'createFleet');
  }
}
