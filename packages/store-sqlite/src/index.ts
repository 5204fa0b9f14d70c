/**
 * @sessionhub/store-sqlite: a durable SessionHub Store on one SQLite file, with WAL, migrations,
 * FTS5 library search and analytics in SQL.
 * @packageDocumentation
 */
export type { SqliteDriverName } from './driver.js';
export { LATEST_SCHEMA_VERSION } from './schema.js';
export { LIBRARY_BM25_WEIGHTS, openSqliteStore, SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
