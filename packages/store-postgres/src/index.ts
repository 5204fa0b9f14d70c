/**
 * @module @sessionhub/store-postgres — a SessionHub Store on PostgreSQL, shared by many workers on many machines.
 */
export { describeLocation, type PgLocation } from './errors.js';
export type { PostgresStoreOptions } from './options.js';
export { openPostgresStore, PostgresStore } from './postgres-store.js';
export { LATEST_SCHEMA_VERSION } from './schema.js';
