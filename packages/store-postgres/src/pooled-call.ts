import pg from 'pg';
import { isConnectionError } from './errors.js';

/**
 * The store's connections, each knowing its server process, so that a statement an aborted call
 * left running can be cancelled on the server.
 *
 * `pg` has no abort: a statement sent runs until it ends. On abort a call here rejects at once with
 * the signal's reason and, from a separate short-lived connection, asks the server to cancel the
 * statement (`pg_cancel_backend`: plain SQL, the same credentials and TLS settings as the pool,
 * allowed on one's own sessions). The aborted call's connection is then discarded instead of going
 * back to the pool: a cancel that lands late cannot hit the next caller's statement, and no
 * half-finished transaction is handed on. A write aborted before its `COMMIT` is sent is rolled back.
 */
export class CancellablePool {
  readonly #pool: pg.Pool;
  readonly #config: pg.ClientConfig;
  readonly #pids = new WeakMap<pg.PoolClient, Promise<number | undefined>>();

  constructor(config: pg.PoolConfig) {
    this.#config = config;
    this.#pool = new pg.Pool(config);
    // An idle pooled connection dropped by the server (restart, idle timeout): the pool discards
    // it and the next call opens a new one. Without a listener the error would end the process.
    this.#pool.on('error', () => {});
    // Queued ahead of the first caller's statement on a new connection (one round trip per connection).
    this.#pool.on('connect', (client) => {
      const pid = client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid').then(
        (r) => r.rows[0]?.pid,
        () => undefined,
      );
      this.#pids.set(client, pid);
    });
  }

  /**
   * Runs `fn` on a pooled connection. When `signal` aborts first, the call rejects at once with
   * its reason (also while it still waits for a free connection); the statement in flight is
   * cancelled on the server and the connection discarded once it settles.
   */
  run<T>(signal: AbortSignal | undefined, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let aborted = false;
    let client: pg.PoolClient | undefined;
    let settled = false;
    const work = (async () => {
      const c = await this.#pool.connect();
      if (aborted) {
        c.release();
        throw signal?.reason;
      }
      client = c;
      let broken: Error | undefined;
      try {
        return await fn(c);
      } catch (err) {
        if (isConnectionError(err)) broken = err as Error;
        throw err;
      } finally {
        settled = true;
        c.release(aborted || broken);
      }
    })();
    if (!signal) return work;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        aborted = true;
        reject(signal.reason);
        if (client && !settled) void this.#cancel(client);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Asks the server to cancel what `client`'s session runs; a failure leaves it to `statement_timeout`. */
  async #cancel(client: pg.PoolClient): Promise<void> {
    const pid = await this.#pids.get(client);
    if (pid === undefined) return;
    const canceller = new pg.Client({ ...this.#config, application_name: 'sessionhub-cancel' });
    canceller.on('error', () => {});
    try {
      await canceller.connect();
      await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // The server is unreachable or has no free slot: the statement ends at statement_timeout, and
      // its connection is discarded all the same.
    } finally {
      await canceller.end().catch(() => {});
    }
  }

  /** Closes every connection once the ones in use are released. */
  end(): Promise<void> {
    return this.#pool.end();
  }
}
