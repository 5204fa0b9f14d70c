/**
 * @sessionhub/store-fs: a durable SessionHub Store on a directory, with atomic writes,
 * append-only JSON-lines event logs and a cross-process lock.
 * @packageDocumentation
 */
export { FsStore, openFsStore } from './fs-store.js';
export { decodeId, encodeId, FS_FORMAT, FS_SCHEMA_VERSION } from './layout.js';
export type { FsStoreMeta } from './meta.js';
export type { FsLockOptions, FsStoreOptions, StoreFs } from './options.js';
