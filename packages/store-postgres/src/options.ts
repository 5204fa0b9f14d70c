/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /** A `postgres://user:password@host:port/database` URL. Without it, `host`, `port`, ... or the `PG*` environment variables apply. */
  connectionString?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  /** Never appears in an error message. */
  password?: string;
  /** The PostgreSQL schema (namespace) the store's tables live in; created when missing. Default `sessionhub`. */
  schema?: string;
  /** Most connections this store opens at once (its pool size). Default 10. */
  maxConnections?: number;
  /** How long opening a connection may take before `store.unavailable`. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Server-side `statement_timeout`: a statement running longer is cancelled (`store.unavailable`). Default 30 000 ms. */
  statementTimeoutMs?: number;
  /** Server-side `lock_timeout`: how long a write waits for a row another connection holds. Default 10 000 ms. */
  lockTimeoutMs?: number;
  /**
   * Server-side `idle_in_transaction_session_timeout`: a client that stops inside a transaction
   * (a frozen or stopped process) loses its connection after this, releasing its locks. Default 60 000 ms.
   */
  idleInTransactionTimeoutMs?: number;
  /** Idle pooled connections close after this. Default 30 000 ms. */
  idleTimeoutMs?: number;
  /** Clock for event `at` times; default `() => new Date()`. */
  now?: () => Date;
}
